// Time is epoch ms drawn in UTC: a UTC scale formats ticks and labels with UTC, so the same
// report comes out on a machine in any time zone.
export const utcTimeAxis = {
  field: 'ts',
  type: 'temporal',
  title: 'time (UTC)',
  scale: { type: 'utc' },
} as const;
