/**
 * What the device model of a profile is built from, without its `deviceModel:` section: identity,
 * EVSEs and connectors, and the meter's defaults (SampledDataCtrlr, AlignedDataCtrlr). The profile
 * loader checks the section against it and the station builds the model from it, so they agree.
 */
import type { StationProfile } from '../../station/profile.js';
import type { DeviceModelInput } from './model.js';
import { evsesOf } from './topology.js';

/** The serial number is the model's only when every charge point has the same one (no `${…}`). */
export function deviceModelInputOf(profile: StationProfile): Omit<DeviceModelInput, 'overrides'> {
  return {
    vendor: profile.vendor,
    model: profile.model,
    firmware: profile.firmwareVersion,
    ...(profile.serial.includes('${') ? {} : { serial: profile.serial }),
    evses: evsesOf(profile.connectors),
    measurands: profile.meterValuesSampledData.split(','),
    sampleIntervalS: profile.meterValueSampleInterval,
    alignedIntervalS: profile.clockAlignedDataInterval,
  };
}
