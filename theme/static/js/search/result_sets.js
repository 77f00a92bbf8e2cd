// Result sets: sorted article numbers with a score each, combined as Whoosh's matchers
// combine them (a union adds the scores of every set holding an article). Sets are merged
// along their sorted numbers; an article's scores are always added in the order of the sets,
// so every sum is the same floating-point number whichever way the sets were fetched.

export function makeSet(ids, scores) {
  return { ids, scores };
}

export const EMPTY = makeSet([], []);

/** `set` with every score multiplied by `boost` (Whoosh's WrappingMatcher). */
export function boostSet(set, boost) {
  if (boost === undefined || boost === 1) return set;
  return makeSet(set.ids, set.scores.map((score) => score * boost));
}

/**
 * Articles of `a` or `b`; an article in both gets a's score plus b's. The result is written
 * into typed arrays of the largest size it can have (a common word's fields hold tens of
 * thousands of articles each: growing plain arrays one article at a time was most of the
 * work, and of the garbage, of such a query).
 */
function mergeTwo(a, b) {
  const aIds = a.ids;
  const bIds = b.ids;
  const aScores = a.scores;
  const bScores = b.scores;
  const ids = new Int32Array(aIds.length + bIds.length);
  const scores = new Float64Array(ids.length);
  let n = 0;
  let i = 0;
  let j = 0;
  while (i < aIds.length && j < bIds.length) {
    if (aIds[i] < bIds[j]) {
      ids[n] = aIds[i];
      scores[n] = aScores[i];
      i += 1;
    } else if (aIds[i] > bIds[j]) {
      ids[n] = bIds[j];
      scores[n] = bScores[j];
      j += 1;
    } else {
      ids[n] = aIds[i];
      scores[n] = aScores[i] + bScores[j];
      i += 1;
      j += 1;
    }
    n += 1;
  }
  for (; i < aIds.length; i += 1, n += 1) {
    ids[n] = aIds[i];
    scores[n] = aScores[i];
  }
  for (; j < bIds.length; j += 1, n += 1) {
    ids[n] = bIds[j];
    scores[n] = bScores[j];
  }
  return makeSet(ids.subarray(0, n), scores.subarray(0, n));
}

export function unionSets(sets) {
  const live = sets.filter((set) => set.ids.length);
  if (live.length === 0) return EMPTY;
  return live.reduce(mergeTwo);
}

/** First index at or after `from` where sorted `ids` holds a number >= `id` (galloping). */
function seek(ids, id, from) {
  let step = 1;
  let hi = from;
  while (hi < ids.length && ids[hi] < id) {
    from = hi + 1;
    hi += step;
    step *= 2;
  }
  hi = Math.min(hi, ids.length);
  while (from < hi) {
    const mid = (from + hi) >> 1;
    if (ids[mid] < id) from = mid + 1;
    else hi = mid;
  }
  return from;
}

export function intersectSets(sets) {
  if (sets.length === 0) return EMPTY;
  // Smallest first (a stable sort: equal sizes keep their order), as the sums were always made.
  const ordered = [...sets].sort((a, b) => a.ids.length - b.ids.length);
  let ids = ordered[0].ids;
  let scores = ordered[0].scores;
  for (const other of ordered.slice(1)) {
    const nextIds = [];
    const nextScores = [];
    let at = 0;
    for (let i = 0; i < ids.length && at < other.ids.length; i += 1) {
      at = seek(other.ids, ids[i], at);
      if (at < other.ids.length && other.ids[at] === ids[i]) {
        nextIds.push(ids[i]);
        nextScores.push(scores[i] + other.scores[at]);
      }
    }
    ids = nextIds;
    scores = nextScores;
    if (!ids.length) return EMPTY;
  }
  return makeSet(ids, scores);
}

export function subtractSet(set, removed) {
  if (!removed.ids.length) return set;
  const ids = [];
  const scores = [];
  let at = 0;
  for (let i = 0; i < set.ids.length; i += 1) {
    at = seek(removed.ids, set.ids[i], at);
    if (removed.ids[at] !== set.ids[i]) {
      ids.push(set.ids[i]);
      scores.push(set.scores[i]);
    }
  }
  return makeSet(ids, scores);
}
