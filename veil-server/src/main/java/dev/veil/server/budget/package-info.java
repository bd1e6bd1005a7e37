/** Per buyer and model query budgets, persisted and consumed with the job's charge. */
package dev.veil.server.budget;
