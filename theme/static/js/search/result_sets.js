// Result sets: sorted article numbers with a score each, combined as Whoosh's matchers
// combine them (a union adds the scores of every set holding an article).

export function makeSet(ids, scores) {
  return { ids, scores };
}

export const EMPTY = makeSet([], []);

export function unionSets(sets) {
  const live = sets.filter((set) => set.ids.length);
  if (live.length === 0) return EMPTY;
  if (live.length === 1) return live[0];
  const sums = new Map();
  for (const set of live) {
    for (let i = 0; i < set.ids.length; i += 1) {
      const id = set.ids[i];
      sums.set(id, (sums.get(id) ?? 0) + set.scores[i]);
    }
  }
  const ids = [...sums.keys()].sort((a, b) => a - b);
  return makeSet(ids, ids.map((id) => sums.get(id)));
}

export function intersectSets(sets) {
  if (sets.length === 0) return EMPTY;
  const ordered = [...sets].sort((a, b) => a.ids.length - b.ids.length);
  let ids = ordered[0].ids;
  let scores = ordered[0].scores;
  for (const other of ordered.slice(1)) {
    const lookup = new Map();
    for (let i = 0; i < other.ids.length; i += 1) lookup.set(other.ids[i], other.scores[i]);
    const nextIds = [];
    const nextScores = [];
    for (let i = 0; i < ids.length; i += 1) {
      const extra = lookup.get(ids[i]);
      if (extra !== undefined) {
        nextIds.push(ids[i]);
        nextScores.push(scores[i] + extra);
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
  const gone = new Set(removed.ids);
  const ids = [];
  const scores = [];
  for (let i = 0; i < set.ids.length; i += 1) {
    if (!gone.has(set.ids[i])) {
      ids.push(set.ids[i]);
      scores.push(set.scores[i]);
    }
  }
  return makeSet(ids, scores);
}
