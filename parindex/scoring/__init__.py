"""Scoring: the vectorised engine (:mod:`.engine`, with :func:`.engine.totals`, the one
total and index formula), ranking and banding (:mod:`.rank`) and the :class:`.run.Run` that
keeps every stage. The only score arithmetic of parindex lives here."""
