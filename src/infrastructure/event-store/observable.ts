import { Observable } from 'rxjs';
import type { StoredEvent, Subscription } from './event-store.ts';

/**
 * A subscription as an rxjs Observable, for consumers that compose streams (buffering, windows,
 * merging several filters). Unsubscribing closes the underlying subscription.
 */
export function toObservable(subscription: Subscription): Observable<StoredEvent> {
  return new Observable<StoredEvent>((subscriber) => {
    void (async () => {
      try {
        for await (const event of subscription) {
          if (subscriber.closed) break;
          subscriber.next(event);
        }
        subscriber.complete();
      } catch (error) {
        subscriber.error(error);
      }
    })();
    return () => {
      void subscription.close();
    };
  });
}
