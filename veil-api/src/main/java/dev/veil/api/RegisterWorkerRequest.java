package dev.veil.api;

import java.util.List;

/**
 * {@code POST /api/workers}: registers a remote worker ({@code veil worker}) of the caller's and
 * issues its token. The worker token works on the worker routes ({@code /api/worker/...}) only,
 * and sees only the jobs of what it was registered for.
 *
 * @param name a label, 1 to 100 characters
 * @param models the caller's listings that are not hosted whose inference jobs it serves (its
 *     machine holds their weights); may be empty
 * @param training whether it runs training jobs: an operator's worker every one, a data owner's
 *     those on its own data sets (null: no)
 */
public record RegisterWorkerRequest(String name, List<String> models, Boolean training) {}
