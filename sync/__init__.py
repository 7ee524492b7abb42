"""Talking to the county platform: enrollment, the outbox, blobs, batches, updates.

No Qt here. The UI runs :class:`sync.engine.SyncEngine` in a worker thread with
its own :class:`workstation.context.Context` and listens to
:class:`sync.progress.Progress`; the command line runs the same engine. See
docs/sync.md for the state machine and the recovery rules.
"""
