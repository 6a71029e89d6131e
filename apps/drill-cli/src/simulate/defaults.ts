// Kept apart from simulate.ts so that main.ts can show them in --help without loading socket.io-client (a
// devDependency) for the commands that do not simulate.
export const DEFAULTS = { teams: 10, speed: 600, progressEverySeconds: 2, graceMinutes: 60 } as const;
