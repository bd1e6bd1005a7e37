package dev.veil.server.ledger;

/**
 * A user's money in minor units (cents).
 *
 * @param userId the user
 * @param available what the user may spend
 * @param held what is reserved for the user's queued and running jobs
 */
public record Balance(String userId, long available, long held) {}
