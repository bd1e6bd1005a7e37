package dev.veil.api;

import java.util.List;

/** {@code GET /api/handovers}: the caller's pending hand-overs, oldest first. */
public record HandoverList(List<Handover> handovers) {}
