/** The real-stack tier runs when TASKTIDE_STACK=1 (set by scripts/test-all.sh after installing the tools). */
export const stackEnabled = process.env.TASKTIDE_STACK === '1';
