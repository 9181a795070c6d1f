// The status words, worst last. Kept apart from api.ts so code that only decides statuses
// does not construct every IPC schema at start-up (the CLI's `status` stays lean).
export const PROFILE_STATUSES = ['ok', 'expiring', 'refreshing', 'missing', 'expired', 'needs-login'] as const;
