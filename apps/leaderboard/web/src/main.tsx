import { render } from 'preact';
import { useEffect } from 'preact/hooks';
import 'uplot/dist/uPlot.min.css';
import './styles.css';
import { ComparePage } from './pages/compare-page';
import { RunPage } from './pages/run-page';
import { TablePage } from './pages/table-page';
import { href, useRoute } from './router';

function App() {
  const route = useRoute();
  const runMatch = /^\/runs\/(.+)$/.exec(route.path);
  let page;
  if (runMatch) page = <RunPage id={decodeURIComponent(runMatch[1])} />;
  else if (route.path === '/compare') page = <ComparePage ids={(route.params.get('ids') ?? '').split(',').filter(Boolean)} />;
  else page = <TablePage params={route.params} />;

  useEffect(() => window.scrollTo(0, 0), [route.path]);

  return (
    <>
      <header class="topbar">
        <a class="brand" href={href('/')}>
          Deepfake Lab <span class="brand-sub">leaderboard</span>
        </a>
        <nav>
          <a href={href('/')}>Runs</a>
          <a href="api/docs" target="_blank" rel="noreferrer">
            API
          </a>
        </nav>
      </header>
      <main>{page}</main>
    </>
  );
}

render(<App />, document.getElementById('app')!);
