/**
 * The default results folder of `npm run hunt`, `hunt-results/<time>/`. Named by the second the run started, it
 * was shared by runs started in the same second (an instructor's `for d in week*; do npm run hunt -- --data $d &
 * done`, two users of one checkout): each wrote `HuntingLab.ipynb` and `.html` over the other's, and a report could
 * be built from the other run's notebook. Each run now makes a folder of its own, exclusively.
 */
import fs from "node:fs";
import path from "node:path";

/** How many names are tried (`<stamp>`, `<stamp>-2` … `<stamp>-1000`) before giving up. */
const MAX_TRIES = 1000;

/**
 * Makes and returns a new folder in `parent` (which must exist): `<stamp>`, or `<stamp>-2`, `<stamp>-3`… when
 * another run (another process) made that one first. mkdir without `recursive` fails on an existing folder, so two
 * processes never get the same one.
 *
 * @param {string} parent an existing folder
 * @param {string} stamp the first name to try (the run's start time)
 * @returns {string} the folder made
 * @throws {Error} mkdir's error other than EEXIST (EACCES, ENOSPC…), or after {@link MAX_TRIES} names taken
 */
export function newResultsFolder(parent, stamp) {
  for (let k = 1; k <= MAX_TRIES; k++) {
    const dir = path.join(parent, k === 1 ? stamp : `${stamp}-${k}`);
    try {
      fs.mkdirSync(dir);
      return dir;
    } catch (err) {
      if (err?.code !== "EEXIST") throw err;
    }
  }
  throw Object.assign(new Error(`${path.join(parent, stamp)}: ${MAX_TRIES} folders of that name exist already`), { code: "EEXIST" });
}
