# ocpp-sim container image: `docker build -t ocpp-sim .` then `docker run --rm ocpp-sim run --csms ws://… -n 1000`.
# Two stages: the build (TypeScript, dev dependencies) stays behind; the runtime image holds only what
# `npm pack` ships (dist/, bin/, profiles/, scenarios/, dashboards/, the OCPP schemas) and the
# production dependencies, locked by package-lock.json. README "Scaling out → Docker".

# Pinned by tag (for bit-for-bit rebuilds pin the digest too: node:20.20.2-slim@sha256:…).
ARG NODE_IMAGE=node:20.20.2-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY src/ src/
COPY bin/ bin/
COPY profiles/ profiles/
COPY scenarios/ scenarios/
COPY dashboards/ dashboards/
COPY README.md ./
# The runtime layout: the package exactly as npm would install it, plus its production dependencies.
RUN npx tsc -p tsconfig.json \
 && npm pack --ignore-scripts --pack-destination /tmp \
 && mkdir -p /opt/ocpp-sim \
 && tar -xzf /tmp/ocpp-sim-*.tgz -C /opt/ocpp-sim --strip-components=1 \
 && cp package-lock.json /opt/ocpp-sim/ \
 && cd /opt/ocpp-sim \
 && npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && rm package-lock.json

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
COPY --from=build /opt/ocpp-sim /opt/ocpp-sim
# The image's own user (uid 1000 in the node images), never root; /work is its working folder for
# plans, reports and JUnit files (mount a volume there).
RUN ln -s /opt/ocpp-sim/bin/ocpp-sim.js /usr/local/bin/ocpp-sim \
 && mkdir /work && chown node:node /work
USER node
WORKDIR /work
# --metrics-port 9464 --metrics-host 0.0.0.0 serves Prometheus metrics from the container.
EXPOSE 9464
ENTRYPOINT ["ocpp-sim"]
CMD ["--help"]
