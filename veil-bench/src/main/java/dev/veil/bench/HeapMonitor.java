package dev.veil.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

import com.sun.management.GarbageCollectionNotificationInfo;

/**
 * Peak Java heap use, from the garbage collectors' notifications (heap occupancy just before and
 * just after each collection) plus explicit samples.
 *
 * <p>Two figures: {@link #peakUsed()}, the most heap ever occupied (live objects plus garbage not
 * yet collected, so it tends towards the heap size), and {@link #peakLive()}, the most heap still
 * occupied right after a collection: the least heap the run could have fitted in, give or take
 * the collector's slack. Notifications arrive on a JMX thread, so the figures may trail by a few
 * milliseconds.
 */
public final class HeapMonitor implements AutoCloseable {
  private final AtomicLong peakUsed = new AtomicLong();
  private final AtomicLong peakLive = new AtomicLong();
  private final Set<String> heapPools = new HashSet<>();
  private final List<NotificationEmitter> emitters = new ArrayList<>();
  private final NotificationListener listener = this::onNotification;

  public HeapMonitor() {
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        heapPools.add(pool.getName());
      }
    }
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof NotificationEmitter emitter) {
        emitter.addNotificationListener(listener, null, null);
        emitters.add(emitter);
      }
    }
    sample();
  }

  private void onNotification(Notification n, Object handback) {
    if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
      return;
    }
    GarbageCollectionNotificationInfo info =
        GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
    long before = heapSum(info.getGcInfo().getMemoryUsageBeforeGc());
    long after = heapSum(info.getGcInfo().getMemoryUsageAfterGc());
    peakUsed.accumulateAndGet(Math.max(before, after), Math::max);
    peakLive.accumulateAndGet(after, Math::max);
  }

  private long heapSum(Map<String, MemoryUsage> usage) {
    long sum = 0;
    for (Map.Entry<String, MemoryUsage> e : usage.entrySet()) {
      if (heapPools.contains(e.getKey())) {
        sum += e.getValue().getUsed();
      }
    }
    return sum;
  }

  /** Records the heap in use now. */
  public void sample() {
    long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    peakUsed.accumulateAndGet(used, Math::max);
  }

  /** The most heap occupied (live plus garbage) since construction or the last reset. */
  public long peakUsed() {
    sample();
    return peakUsed.get();
  }

  /** The most heap occupied right after a collection since construction or the last reset. */
  public long peakLive() {
    return peakLive.get();
  }

  /** Starts a new observation period from the heap in use now. */
  public void reset() {
    peakUsed.set(0);
    peakLive.set(0);
    sample();
  }

  /** Heap the JVM may grow to ({@code -Xmx}). */
  public static long maxHeap() {
    return Runtime.getRuntime().maxMemory();
  }

  @Override
  public void close() {
    for (NotificationEmitter e : emitters) {
      try {
        e.removeNotificationListener(listener);
      } catch (ListenerNotFoundException ignored) {
        // already gone
      }
    }
    emitters.clear();
  }
}
