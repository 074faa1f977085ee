export function harden(roots: readonly unknown[]): void;
export function intrinsicRoots(): unknown[];
