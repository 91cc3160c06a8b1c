/** The OCPP 1.6 configuration key store: ChangeConfiguration checks, normalisation, defaults. */
import { describe, expect, it } from 'vitest';
import { canonicalKey, checkChange, CONFIG_KEYS, defaultConfiguration, MEASURANDS, normaliseValue, readonlyKeys } from '../../src/ocpp16/configuration.js';
import { connectorsOf, DEFAULT_PROFILE, type StationProfile } from '../../src/station/profile.js';

describe('checkChange', () => {
  // [key, value, expected]
  const cases: [string, string, string][] = [
    // boolean, case-insensitive
    ['LocalAuthorizeOffline', 'true', 'Accepted'],
    ['LocalAuthorizeOffline', 'false', 'Accepted'],
    ['LocalAuthorizeOffline', 'TRUE', 'Accepted'],
    ['AuthorizeRemoteTxRequests', 'False', 'Accepted'],
    ['LocalAuthorizeOffline', 'yes', 'Rejected'],
    ['LocalAuthorizeOffline', '1', 'Rejected'],
    ['LocalAuthorizeOffline', '', 'Rejected'],
    ['LocalAuthorizeOffline', ' true', 'Rejected'],
    ['LocalAuthorizeOffline', 'truefalse', 'Rejected'],
    // integer
    ['HeartbeatInterval', '300', 'Accepted'],
    ['HeartbeatInterval', '0', 'Accepted'],
    ['MeterValueSampleInterval', '999999999', 'Accepted'],
    ['HeartbeatInterval', '1000000000', 'Rejected'], // more than 9 digits
    ['HeartbeatInterval', '-1', 'Rejected'],
    ['HeartbeatInterval', '1.5', 'Rejected'],
    ['HeartbeatInterval', '1e3', 'Rejected'],
    ['HeartbeatInterval', 'abc', 'Rejected'],
    ['HeartbeatInterval', '', 'Rejected'],
    ['HeartbeatInterval', ' 60', 'Rejected'],
    // CSL of measurands
    ['MeterValuesSampledData', 'Energy.Active.Import.Register', 'Accepted'],
    ['MeterValuesSampledData', 'Energy.Active.Import.Register,Power.Active.Import,SoC', 'Accepted'],
    ['MeterValuesSampledData', 'Energy.Active.Import.Register, Voltage ,Current.Import', 'Accepted'],
    ['MeterValuesSampledData', '', 'Accepted'],
    ['StopTxnSampledData', 'Energy.Active.Import.Register', 'Accepted'],
    ['MeterValuesAlignedData', MEASURANDS.join(','), 'Accepted'], // all 8: at the limit
    ['MeterValuesSampledData', 'Energy.Active.Import.Register,Frequency', 'Rejected'], // unknown measurand
    ['MeterValuesSampledData', 'energy.active.import.register', 'Rejected'], // case matters
    ['StopTxnAlignedData', 'Bogus', 'Rejected'],
    ['MeterValuesSampledData', [...MEASURANDS, 'Voltage'].join(','), 'Rejected'], // 9 items > 8
    // CSL of `<connector>.<rotation>` (OCPP 1.6 §9.1)
    ['ConnectorPhaseRotation', '0.RST,1.RST,2.RTS', 'Accepted'],
    ['ConnectorPhaseRotation', '0.NotApplicable,1.Unknown,2.TSR', 'Accepted'],
    ['ConnectorPhaseRotation', 'RST', 'Rejected'], // no connector
    ['ConnectorPhaseRotation', '1.ABC', 'Rejected'], // not a rotation
    ['ConnectorPhaseRotation', '0.RST,garbage', 'Rejected'],
    // read-only
    ['NumberOfConnectors', '4', 'Rejected'],
    ['GetConfigurationMaxKeys', '10', 'Rejected'],
    ['SupportedFeatureProfiles', 'Core', 'Rejected'],
    ['MeterValuesSampledDataMaxLength', '8', 'Rejected'],
    // unknown keys
    ['NoSuchKey', 'true', 'NotSupported'],
    ['heartbeatinterval', '300', 'NotSupported'], // checkChange takes a key's own spelling: see canonicalKey
    ['', '', 'NotSupported'],
    // reboot required
    ['WebSocketPingInterval', '30', 'RebootRequired'],
    ['WebSocketPingInterval', 'x', 'Rejected'],
  ];

  it.each(cases)('%s = %j → %s', (key, value, expected) => {
    expect(checkChange(key, value)).toBe(expected);
  });

  it('every writable key accepts its own default value', () => {
    const defaults = defaultConfiguration(DEFAULT_PROFILE);
    for (const [key, def] of Object.entries(CONFIG_KEYS)) {
      const expected = def.readonly ? 'Rejected' : def.reboot ? 'RebootRequired' : 'Accepted';
      expect(checkChange(key, defaults.get(key)!), key).toBe(expected);
    }
  });

  it('a key the model makes read-only is Rejected, whatever the value', () => {
    const ro = new Set(['HeartbeatInterval']);
    expect(checkChange('HeartbeatInterval', '300', ro)).toBe('Rejected');
    expect(checkChange('HeartbeatInterval', '300')).toBe('Accepted');
    // Other keys are unaffected; unknown keys stay NotSupported even when listed.
    expect(checkChange('MeterValueSampleInterval', '30', ro)).toBe('Accepted');
    expect(checkChange('NoSuchKey', 'x', new Set(['NoSuchKey']))).toBe('NotSupported');
    // RebootRequired keys made read-only are Rejected, not RebootRequired.
    expect(checkChange('WebSocketPingInterval', '30', new Set(['WebSocketPingInterval']))).toBe('Rejected');
  });

  // Regression: lookups must not find inherited Object.prototype members (or round into the wrong unit).
  it.each(['constructor', 'toString', 'hasOwnProperty', '__proto__'])(
    'inherited property name %s is NotSupported',
    (key) => {
      expect(checkChange(key, 'x')).toBe('NotSupported');
    },
  );
});

describe('normaliseValue', () => {
  it.each([
    ['LocalAuthorizeOffline', 'TRUE', 'true'],
    ['LocalAuthorizeOffline', 'False', 'false'],
    ['MeterValuesSampledData', 'Energy.Active.Import.Register, Voltage , SoC', 'Energy.Active.Import.Register,Voltage,SoC'],
    ['MeterValuesSampledData', '', ''],
    ['ConnectorPhaseRotation', ' 0.RST , 1.RST ', '0.RST,1.RST'],
    ['HeartbeatInterval', '0300', '0300'], // integers are stored as sent
    ['NoSuchKey', ' Mixed Case ', ' Mixed Case '], // unknown keys untouched
  ])('%s %j → %j', (key, value, expected) => {
    expect(normaliseValue(key, value)).toBe(expected);
  });

  it('a normalised accepted value is still accepted', () => {
    for (const [key, value] of [
      ['LocalPreAuthorize', 'TrUe'],
      ['StopTxnSampledData', 'Energy.Active.Import.Register , Current.Import'],
    ]) {
      expect(checkChange(key, value)).toBe('Accepted');
      expect(checkChange(key, normaliseValue(key, value))).toBe('Accepted');
    }
  });
});

describe('defaultConfiguration', () => {
  const defaults = defaultConfiguration(DEFAULT_PROFILE);

  it('covers exactly every CONFIG_KEYS key', () => {
    expect([...defaults.keys()].sort()).toEqual(Object.keys(CONFIG_KEYS).sort());
  });

  it.each(Object.entries(CONFIG_KEYS))('%s default matches its type', (key, def) => {
    const value = defaults.get(key)!;
    expect(typeof value).toBe('string');
    if (def.type === 'boolean') expect(value).toMatch(/^(true|false)$/);
    if (def.type === 'integer') expect(value).toMatch(/^\d{1,9}$/);
    if (def.type === 'csl' && def.items) {
      const items = value === '' ? [] : value.split(',');
      if (def.maxItems) expect(items.length).toBeLessThanOrEqual(def.maxItems);
      for (const item of items) expect(def.items).toContain(item);
    }
  });

  it('derives profile-specific values', () => {
    expect(defaults.get('NumberOfConnectors')).toBe('2');
    expect(defaults.get('MeterValueSampleInterval')).toBe('60');
    expect(defaults.get('MeterValuesSampledData')).toBe(DEFAULT_PROFILE.meterValuesSampledData);
    expect(defaults.get('ConnectorPhaseRotation')).toBe('0.RST,1.RST,2.RST');
    expect(defaults.get('GetConfigurationMaxKeys')).toBe(String(Object.keys(CONFIG_KEYS).length));
    expect(defaults.get('ClockAlignedDataInterval')).toBe('0');
    const four = defaultConfiguration({
      ...DEFAULT_PROFILE,
      connectors: connectorsOf(DEFAULT_PROFILE.connectors[0], 4),
      meterValueSampleInterval: 15,
      clockAlignedDataInterval: 900,
    });
    expect(four.get('NumberOfConnectors')).toBe('4');
    expect(four.get('MeterValueSampleInterval')).toBe('15');
    expect(four.get('ClockAlignedDataInterval')).toBe('900');
    expect(four.get('ConnectorPhaseRotation')).toBe('0.RST,1.RST,2.RST,3.RST,4.RST');
  });

  it("applies the profile's configuration defaults over the built-in ones", () => {
    const profile: StationProfile = {
      ...DEFAULT_PROFILE,
      configuration: { HeartbeatInterval: { value: '120' }, LocalPreAuthorize: { value: 'true', readonly: true } },
    };
    const d = defaultConfiguration(profile);
    expect(d.get('HeartbeatInterval')).toBe('120');
    expect(d.get('LocalPreAuthorize')).toBe('true');
    expect(d.get('MeterValueSampleInterval')).toBe('60'); // untouched keys keep their defaults
    expect([...d.keys()].sort()).toEqual(Object.keys(CONFIG_KEYS).sort());
    expect(defaults.get('HeartbeatInterval')).toBe('300'); // the default profile is unchanged
  });

  it('StopTxnSampledData includes the energy register by default', () => {
    expect(defaults.get('StopTxnSampledData')).toContain('Energy.Active.Import.Register');
  });
});

describe('readonlyKeys', () => {
  const specReadonly = Object.entries(CONFIG_KEYS).filter(([, d]) => d.readonly).map(([k]) => k).sort();

  it('are the specification read-only keys for a profile without configuration', () => {
    expect(specReadonly.length).toBeGreaterThan(0);
    expect([...readonlyKeys(DEFAULT_PROFILE)].sort()).toEqual(specReadonly);
  });

  it("add the keys the profile marks readonly, and only those", () => {
    const ro = readonlyKeys({
      ...DEFAULT_PROFILE,
      configuration: {
        HeartbeatInterval: { value: '300', readonly: true },
        MeterValueSampleInterval: { value: '30', readonly: false },
        LocalPreAuthorize: { value: 'true' },
      },
    });
    expect([...ro].sort()).toEqual([...specReadonly, 'HeartbeatInterval'].sort());
    expect(checkChange('HeartbeatInterval', '60', ro)).toBe('Rejected');
    expect(checkChange('MeterValueSampleInterval', '60', ro)).toBe('Accepted');
    expect(checkChange('LocalPreAuthorize', 'false', ro)).toBe('Accepted');
  });
});

describe('canonicalKey (keys are CiString50Type: case-insensitive, OCPP 1.6 §7)', () => {
  it.each([
    ['heartbeatinterval', 'HeartbeatInterval'],
    ['HEARTBEATINTERVAL', 'HeartbeatInterval'],
    ['HeartbeatInterval', 'HeartbeatInterval'],
    ['meterValuesSampledData', 'MeterValuesSampledData'],
    ['NoSuchKey', 'NoSuchKey'],
    ['constructor', 'constructor'],
  ])('%s → %s', (asked, expected) => {
    expect(canonicalKey(asked)).toBe(expected);
  });
});
