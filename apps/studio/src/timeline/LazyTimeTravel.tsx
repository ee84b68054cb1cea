import { lazy, Suspense } from 'react'
import type { TimeTravelProps } from './TimeTravel.tsx'

// Time travel (scrubber, past rendering, diffs) is its own chunk: it loads when a panel page first shows it.
const TimeTravel = lazy(() => import('./TimeTravel.tsx'))

/** Time travel, loaded on demand, with a skeleton of the track while its chunk arrives. */
export function LazyTimeTravel(props: TimeTravelProps) {
  return (
    <Suspense
      fallback={
        <section className="tt-loading" role="status" aria-label="Loading time travel">
          <h2>Time travel</h2>
        </section>
      }
    >
      <TimeTravel {...props} />
    </Suspense>
  )
}
