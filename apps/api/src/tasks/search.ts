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

/** What a search binds: the prefix tsquery text (`rent:* & inv:*`) and the loose phrase. */
export interface SearchTerms {
  prefix: string;
  loose: string;
}

/** The searchable words of `q`: letters and digits, lower-cased; everything else separates words. */
export function searchWords(q: string | undefined): string[] {
  return (q?.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, MAX_WORDS);
}

/**
 * The values a search of `q` binds. Words are letters and digits only, so nothing in `q` can change
 * the tsquery's syntax. Null when `q` has no searchable word (e.g. only punctuation): then it
 * filters nothing.
 */
export function searchTerms(q: string | undefined): SearchTerms | null {
  const words = searchWords(q);
  if (!words.length) return null;
  return { prefix: words.map((w) => `${w}:*`).join(' & '), loose: words.join(' ') };
}

/**
 * Search over title, description and tags, index-backed on both arms: the tsvector GIN index
 * answers `rent:* & inv:*` (every word a prefix of some word, so "rent" finds "rental"), the
 * trigram GIN index answers `search_text %> 'rent invoce'` (word similarity ≥ the session's
 * pg_trgm.word_similarity_threshold, so one typo or a word's middle still finds it). `prefix` and
 * `loose` are the values of `searchTerms` or placeholders for them (the list statement is built
 * once per shape, see list.ts).
 */
export function searchSql(prefix: unknown, loose: unknown): TextSearch {
  const tsquery = sql`to_tsquery('simple', ${prefix})`;
  return {
    where: sql`(${tasks.search} @@ ${tsquery} or ${tasks.searchText} %> ${loose})`,
    rank: sql<number>`(ts_rank(${tasks.search}, ${tsquery}) + word_similarity(${loose}, ${tasks.searchText}))::real`,
  };
}

/** The search of `q` with its values bound; null when `q` has no searchable word. */
export function textSearch(q: string | undefined): TextSearch | null {
  const terms = searchTerms(q);
  return terms && searchSql(terms.prefix, terms.loose);
}
