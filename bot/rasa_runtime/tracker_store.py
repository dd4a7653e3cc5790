"""The conversation store Rasa builds from endpoints.yml: in memory, with a bounded history per conversation."""

from __future__ import annotations

from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker

#: Events kept per conversation (about a dozen turns, enough for the rules and both slots, which every
#: action sets): Rasa's in-memory store would otherwise keep every conversation's whole history forever.
MAX_TRACKER_EVENTS = 50


class BoundedTrackerStore(InMemoryTrackerStore):
    """Rasa's in-memory tracker store, keeping only the last MAX_TRACKER_EVENTS events per conversation."""

    def init_tracker(self, sender_id: str) -> DialogueStateTracker:
        """An empty tracker bounded to MAX_TRACKER_EVENTS (Rasa builds every tracker it reads or creates here)."""
        return DialogueStateTracker(sender_id, self.domain.slots, max_event_history=MAX_TRACKER_EVENTS)
