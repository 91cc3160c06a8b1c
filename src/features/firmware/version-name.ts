/**
 * The firmware version an image installs, taken from its file name (`…/fw-2.1.0.bin` → `2.1.0`: the
 * first dotted number in the last path segment, with what follows it up to the extension), or
 * `<old>-updated` when the name has none. At most 50 characters: 1.6 BootNotification.firmwareVersion
 * is a CiString50, 2.0.1's ChargingStationType.firmwareVersion is as long.
 */
const MAX_VERSION = 50;

/** The version an image installs: see the file comment. */
export function versionFromLocation(location: string, current: string): string {
  let name = location;
  try {
    name = decodeURIComponent(new URL(location).pathname);
  } catch {
    // not a URL: use the text as it is
  }
  name = name.slice(name.lastIndexOf('/') + 1).replace(/(\.(bin|img|hex|fw|zip|tar|gz|tgz|swu|deb|ipk|pkg|upd|raucb))+$/i, '');
  const m = /\d+(\.\d+)+([-+][0-9A-Za-z.+-]*)?/.exec(name);
  if (m) return m[0].slice(0, MAX_VERSION);
  const suffix = '-updated';
  return current.slice(0, MAX_VERSION - suffix.length) + suffix;
}
