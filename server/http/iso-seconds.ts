// API timestamps: ISO 8601 in UTC to the second, as the reference writes them
// ("2026-01-31T12:00:00Z").
export const isoSeconds = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
