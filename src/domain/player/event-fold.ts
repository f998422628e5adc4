/**
 * Events decided one after another, each decision seeing the state the earlier ones left: `state` is
 * the initial state evolved by every event emitted so far, `events` those events in order.
 */
export class EventFold<State, Event> {
  readonly events: Event[] = [];

  constructor(
    private readonly evolve: (state: State, event: Event) => State,
    public state: State,
  ) {}

  emit(...more: Event[]): void {
    for (const event of more) {
      this.events.push(event);
      this.state = this.evolve(this.state, event);
    }
  }
}
