import { type SQL, sql } from 'drizzle-orm';
import { tasks } from '../db/schema.ts';

/** At most this many words of `q` are searched for (a query is a handful of words, not a text). */
const MAX_WORDS = 8;

export interface TextSearch {
  /** Matches every word as a prefix (as-you-type), or the whole query loosely (typos, substrings). */
  where: SQL;
  /** Relevance, higher is better: prefix-match rank plus trigram word similarity. */
  rank: SQL<number>;
}

/** The searchable words of `q`: letters and digits, lower-cased; everything else separates words. */
export function searchWords(q: string | undefined): string[] {
  return (q?.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, MAX_WORDS);
}

/**
 * Search over title, description and tags, index-backed on both arms: the tsvector GIN index
 * answers `rent:* & inv:*` (every word a prefix of some word, so "rent" finds "rental"), the
 * trigram GIN index answers `search_text %> 'rent invoce'` (word similarity ≥ the session's
 * pg_trgm.word_similarity_threshold, so one typo or a word's middle still finds it). Words are
 * letters and digits only, so nothing in `q` can change the tsquery's syntax. Null when `q` has no
 * searchable word (e.g. only punctuation): then it filters nothing.
 */
export function textSearch(q: string | undefined): TextSearch | null {
  const words = searchWords(q);
  if (!words.length) return null;
  const prefixQuery = words.map((w) => `${w}:*`).join(' & ');
  const loose = words.join(' ');
  const tsquery = sql`to_tsquery('simple', ${prefixQuery})`;
  return {
    where: sql`(${tasks.search} @@ ${tsquery} or ${tasks.searchText} %> ${loose})`,
    rank: sql<number>`(ts_rank(${tasks.search}, ${tsquery}) + word_similarity(${loose}, ${tasks.searchText}))::real`,
  };
}
