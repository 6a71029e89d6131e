// The signed-in session: one per browser. The access token lives in localStorage, so a board or an inject opened in
// a new tab is signed in already, and signing out in one tab signs out every tab of this browser (the `storage`
// event below). The price: the token outlives the tab, so on a shared machine (a CERT's operations-room PC, a
// hotel business centre) a person must sign out when leaving, or the next person has their session.

const TOKEN_KEY = 'drill.token';

export const session = {
  get token(): string | null {
    return localStorage.getItem(TOKEN_KEY);
  },
  set token(v: string | null) {
    if (v) localStorage.setItem(TOKEN_KEY, v);
    else localStorage.removeItem(TOKEN_KEY);
  },
  signOut(): void {
    localStorage.removeItem(TOKEN_KEY);
    location.href = 'index.html';
  },
};

// Another tab of this browser signed out, lost an expired token, or signed in as someone else: this tab follows,
// to the sign-in page, or reloaded as the new person (who may be sent elsewhere by their role).
addEventListener('storage', (e) => {
  if (e.storageArea !== localStorage || (e.key !== TOKEN_KEY && e.key !== null)) return;
  const now = localStorage.getItem(TOKEN_KEY);
  if (!now && (e.oldValue !== null || e.key === null)) location.href = 'index.html';
  else if (e.key === TOKEN_KEY && e.oldValue && e.oldValue !== now) location.reload();
});
