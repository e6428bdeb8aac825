// The rule registry, sorted by id. A unit test checks that every rule has docs and tests.
import type { Rule } from '../rule';
import { keepProbConfusion } from './keep-prob-confusion';

export const RULES: readonly Rule[] = [keepProbConfusion].sort((a, b) => a.meta.id.localeCompare(b.meta.id));
