#pragma once
// Runs work(item, worker) for every item in [0, count) on up to `workers` threads, each taking
// the next item as it finishes one: for transfers that wait on the network. `worker` in
// [0, workers) lets each thread keep its own connections.
#include <algorithm>
#include <atomic>
#include <cstddef>
#include <thread>
#include <vector>

namespace larder {

template <class Work>
void run_parallel(size_t count, unsigned workers, Work&& work) {
  workers = static_cast<unsigned>(std::clamp<size_t>(count, 1, std::max(1u, workers)));
  std::atomic<size_t> next{0};
  auto loop = [&](unsigned worker) {
    for (size_t item = next++; item < count; item = next++) work(item, worker);
  };
  std::vector<std::jthread> threads;
  for (unsigned worker = 1; worker < workers; ++worker) threads.emplace_back(loop, worker);
  loop(0);
}

}  // namespace larder
