export interface DebugOutput {
  write(bytes: Uint8Array): number;
  take(): string;
}
export function createDebugOutput(maxBytes: number): DebugOutput;
