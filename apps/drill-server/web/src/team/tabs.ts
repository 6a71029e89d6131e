// The work area's tabs (inject, new report, shared reports). Showing the inject tab counts as reading the inject.
import { byId, setupTabs } from '../common/dom.js';
import { markRead, state } from './context.js';
import { renderInjectList } from './inject-list.js';

export const tabs = setupTabs(byId('tabs'), (id) => {
  if (id === 'tab-inject' && state.selected) markRead(state.selected);
  renderInjectList();
});
