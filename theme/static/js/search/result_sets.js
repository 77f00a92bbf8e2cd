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

/** Articles of `a` or `b`; an article in both gets a's score plus b's. */
function mergeTwo(a, b) {
  const ids = [];
  const scores = [];
  let i = 0;
  let j = 0;
  while (i < a.ids.length && j < b.ids.length) {
    if (a.ids[i] < b.ids[j]) {
      ids.push(a.ids[i]);
      scores.push(a.scores[i]);
      i += 1;
    } else if (a.ids[i] > b.ids[j]) {
      ids.push(b.ids[j]);
      scores.push(b.scores[j]);
      j += 1;
    } else {
      ids.push(a.ids[i]);
      scores.push(a.scores[i] + b.scores[j]);
      i += 1;
      j += 1;
    }
  }
  for (; i < a.ids.length; i += 1) {
    ids.push(a.ids[i]);
    scores.push(a.scores[i]);
  }
  for (; j < b.ids.length; j += 1) {
    ids.push(b.ids[j]);
    scores.push(b.scores[j]);
  }
  return makeSet(ids, scores);
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
