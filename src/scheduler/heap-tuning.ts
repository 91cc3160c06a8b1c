/**
 * V8 tuning for a process that holds a fleet. Imported first by fleet.ts, so it runs before any worker
 * thread starts: V8 flags are process-wide and each worker's heap is set up with them.
 *
 * No allocation-site pretenuring. After a burst in which objects from one allocation site survive a
 * young-generation GC (a boot storm; a CSMS broadcasting a call to every charge point at once), V8
 * allocates that site's later objects straight into the old generation. Ours are mostly short-lived
 * message objects: pretenured, they pile up as old-generation garbage until the next full GC, and the
 * heap grows to hold them. Without it they die young, as they should.
 */
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--no-allocation-site-pretenuring');
