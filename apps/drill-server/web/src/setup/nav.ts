import { byId, clear, h } from '../common/dom.js';

// The setup pages (teams, users, scenarios, exercises) share one row of links in their header, so a controller
// preparing a drill moves between them without going back to the exercise list.

export type SetupPage = 'teams' | 'users' | 'scenarios' | 'exercises';

const LINKS: readonly { page: SetupPage | 'list' | 'capacity'; href: string; text: string }[] = [
  { page: 'list', href: 'index.html', text: 'Exercises' },
  { page: 'teams', href: 'teams.html', text: 'Teams' },
  { page: 'users', href: 'users.html', text: 'Users' },
  { page: 'scenarios', href: 'scenarios.html', text: 'Scenarios' },
  { page: 'exercises', href: 'exercises.html', text: 'New exercise' },
  { page: 'capacity', href: 'capacity.html', text: 'Capacity' },
];

/** Fills the page's `<nav id="setup-nav" aria-label="Setup">` with the setup links, marking the current page. */
export function setupNav(current: SetupPage): void {
  clear(
    byId('setup-nav'),
    h(
      'ul',
      { class: 'setup-nav' },
      LINKS.map(({ page, href, text }) =>
        h('li', {}, h('a', { href, 'aria-current': page === current ? 'page' : undefined }, text)),
      ),
    ),
  );
}
