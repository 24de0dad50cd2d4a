#pragma once
// A value that comes with problems, for a function that always yields something usable but set
// part of its input aside on the way: a malformed attribute keeps its default, a remote that
// cannot be configured is left out of the tiers. The problems are warnings for the log and
// `larder doctor` (a bad setting never fails a build), so they travel beside the value; an
// Expected (util/expected.hpp) carries an error instead of its value.
#include <string>
#include <utility>
#include <vector>

namespace larder {

template <class T>
struct WithProblems {
  T value;
  std::vector<std::string> problems;  // one line each, never a secret

  // Moves the problems of `other` to the end of these, and returns its value.
  template <class U>
  U take(WithProblems<U>&& other) {
    for (auto& problem : other.problems) problems.push_back(std::move(problem));
    return std::move(other.value);
  }
};

}  // namespace larder
