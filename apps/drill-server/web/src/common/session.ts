// The signed-in session: the access token lives in sessionStorage, so it belongs to this browser tab only and is
// forgotten when the tab closes.

const TOKEN_KEY = 'drill.token';

export const session = {
  get token(): string | null {
    return sessionStorage.getItem(TOKEN_KEY);
  },
  set token(v: string | null) {
    if (v) sessionStorage.setItem(TOKEN_KEY, v);
    else sessionStorage.removeItem(TOKEN_KEY);
  },
  signOut(): void {
    sessionStorage.removeItem(TOKEN_KEY);
    location.href = 'index.html';
  },
};
