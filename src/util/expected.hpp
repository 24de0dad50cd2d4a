#pragma once
// The result of a function that can fail: its value, or why not (by default a message for logs and
// `larder doctor`, never a secret). Names and semantics are C++23's std::expected, for the part
// larder uses, so that this header becomes
//   template <class T, class E = std::string> using Expected = std::expected<T, E>;
//   using std::unexpected;  (Unexpected<E> -> std::unexpected<E>)
// when the project moves to C++23. Not sooner: the fuzz build's clang 14 cannot compile
// libstdc++'s <expected>, and Debian's tl::expected (libexpected-dev 1.0) spells several of
// these names differently, so it would not shorten that move.
//
// The vocabulary (docs/design.md, "Errors"): Expected for what can fail, std::optional only for
// what may be absent, WithProblems (util/with_problems.hpp) for a value that comes with warnings.
#include <cassert>
#include <exception>
#include <functional>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

namespace larder {

template <class E>
class Unexpected;
template <class T, class E = std::string>
class Expected;

namespace detail {
template <class T>
inline constexpr bool is_expected = false;
template <class T, class E>
inline constexpr bool is_expected<Expected<T, E>> = true;
template <class T>
inline constexpr bool is_unexpected = false;
template <class E>
inline constexpr bool is_unexpected<Unexpected<E>> = true;

// Neither an Expected nor an Unexpected: a value or an error as it is.
template <class U>
concept Plain = !is_expected<std::remove_cvref_t<U>> && !is_unexpected<std::remove_cvref_t<U>>;
// What the value (or error) of type T is made from.
template <class U, class T>
concept MakesPlain =
    Plain<U> && !std::is_same_v<std::remove_cvref_t<U>, std::in_place_t> && std::is_constructible_v<T, U>;
}  // namespace detail

// Why a function failed, on its way into an Expected: `return unexpected("no host");`.
template <class E>
class Unexpected {
 public:
  template <class Err = E>
  requires detail::MakesPlain<Err, E>
  constexpr explicit Unexpected(Err&& error) : error_(std::forward<Err>(error)) {}

  constexpr const E& error() const& noexcept { return error_; }
  constexpr E& error() & noexcept { return error_; }
  constexpr E&& error() && noexcept { return std::move(error_); }

  template <class G>
  friend constexpr bool operator==(const Unexpected& a, const Unexpected<G>& b) {
    return a.error() == b.error();
  }

 private:
  E error_;
};

template <class E>
Unexpected(E) -> Unexpected<E>;

// std::unexpected(error) deduces its type; so does this.
template <class E>
constexpr Unexpected<std::decay_t<E>> unexpected(E&& error) {
  return Unexpected<std::decay_t<E>>(std::forward<E>(error));
}

// What value() throws on an Expected that holds an error: a bug in the caller, which should have
// looked first.
template <class E>
class BadExpectedAccess : public std::exception {
 public:
  explicit BadExpectedAccess(E error) : error_(std::move(error)) {}
  const char* what() const noexcept override { return "bad access to Expected without a value"; }
  const E& error() const& noexcept { return error_; }

 private:
  E error_;
};

template <class T, class E>
class [[nodiscard]] Expected {
  static_assert(!std::is_reference_v<T> && !std::is_array_v<T> && !detail::is_unexpected<std::remove_cv_t<T>>);

 public:
  using value_type = T;
  using error_type = E;
  using unexpected_type = Unexpected<E>;

  constexpr Expected() requires std::is_default_constructible_v<T> : state_(std::in_place_index<0>) {}

  // The value (the state is indexed, not typed: T and E may be the same type).
  template <class U = T>
  requires detail::MakesPlain<U, T>
  constexpr explicit(!std::is_convertible_v<U, T>) Expected(U&& value)
      : state_(std::in_place_index<0>, std::forward<U>(value)) {}

  template <class... Args>
  requires std::is_constructible_v<T, Args...>
  constexpr explicit Expected(std::in_place_t, Args&&... args)
      : state_(std::in_place_index<0>, std::forward<Args>(args)...) {}

  template <class G>
  requires std::is_constructible_v<E, const G&>
  constexpr explicit(!std::is_convertible_v<const G&, E>) Expected(const Unexpected<G>& error)
      : state_(std::in_place_index<1>, error.error()) {}

  template <class G>
  requires std::is_constructible_v<E, G>
  constexpr explicit(!std::is_convertible_v<G, E>) Expected(Unexpected<G>&& error)
      : state_(std::in_place_index<1>, std::move(error).error()) {}

  constexpr bool has_value() const noexcept { return state_.index() == 0; }
  constexpr explicit operator bool() const noexcept { return has_value(); }

  // The value; only when there is one (checked by assert, as libstdc++ checks std::expected).
  constexpr const T* operator->() const noexcept { return &**this; }
  constexpr T* operator->() noexcept { return &**this; }
  constexpr const T& operator*() const& noexcept {
    assert(has_value());
    return *std::get_if<0>(&state_);
  }
  constexpr T& operator*() & noexcept {
    assert(has_value());
    return *std::get_if<0>(&state_);
  }
  constexpr T&& operator*() && noexcept { return std::move(**this); }

  // The value; throws BadExpectedAccess<E> when there is none.
  constexpr const T& value() const& {
    if (!has_value()) throw BadExpectedAccess<E>(error());
    return **this;
  }
  constexpr T& value() & {
    if (!has_value()) throw BadExpectedAccess<E>(error());
    return **this;
  }
  constexpr T&& value() && {
    if (!has_value()) throw BadExpectedAccess<E>(std::move(error()));
    return std::move(**this);
  }

  // The error; only when there is one.
  constexpr const E& error() const& noexcept {
    assert(!has_value());
    return *std::get_if<1>(&state_);
  }
  constexpr E& error() & noexcept {
    assert(!has_value());
    return *std::get_if<1>(&state_);
  }
  constexpr E&& error() && noexcept { return std::move(error()); }

  template <class U>
  constexpr T value_or(U&& fallback) const& {
    return has_value() ? **this : static_cast<T>(std::forward<U>(fallback));
  }
  template <class U>
  constexpr T value_or(U&& fallback) && {
    return has_value() ? std::move(**this) : static_cast<T>(std::forward<U>(fallback));
  }

  template <class G = E>
  constexpr E error_or(G&& fallback) const& {
    return has_value() ? static_cast<E>(std::forward<G>(fallback)) : error();
  }

  // `f(value)`, itself an Expected with this error type, or this error as it is.
  template <class F>
  constexpr auto and_then(F&& f) const& {
    using Result = std::remove_cvref_t<std::invoke_result_t<F, const T&>>;
    static_assert(detail::is_expected<Result> && std::is_same_v<typename Result::error_type, E>);
    return has_value() ? std::invoke(std::forward<F>(f), **this) : Result(Unexpected<E>(error()));
  }
  template <class F>
  constexpr auto and_then(F&& f) && {
    using Result = std::remove_cvref_t<std::invoke_result_t<F, T&&>>;
    static_assert(detail::is_expected<Result> && std::is_same_v<typename Result::error_type, E>);
    return has_value() ? std::invoke(std::forward<F>(f), std::move(**this)) : Result(Unexpected<E>(std::move(error())));
  }

  template <class U, class G>
  friend constexpr bool operator==(const Expected& a, const Expected<U, G>& b) {
    if (a.has_value() != b.has_value()) return false;
    return a.has_value() ? *a == *b : a.error() == b.error();
  }
  template <detail::Plain U>
  friend constexpr bool operator==(const Expected& a, const U& value) {
    return a.has_value() && *a == value;
  }
  template <class G>
  friend constexpr bool operator==(const Expected& a, const Unexpected<G>& error) {
    return !a.has_value() && a.error() == error.error();
  }

 private:
  std::variant<T, E> state_;
};

// Success without a value, or the error.
template <class E>
class [[nodiscard]] Expected<void, E> {
 public:
  using value_type = void;
  using error_type = E;
  using unexpected_type = Unexpected<E>;

  constexpr Expected() noexcept = default;
  constexpr explicit Expected(std::in_place_t) noexcept {}

  template <class G>
  requires std::is_constructible_v<E, const G&>
  constexpr explicit(!std::is_convertible_v<const G&, E>) Expected(const Unexpected<G>& error)
      : error_(std::in_place, error.error()) {}

  template <class G>
  requires std::is_constructible_v<E, G>
  constexpr explicit(!std::is_convertible_v<G, E>) Expected(Unexpected<G>&& error)
      : error_(std::in_place, std::move(error).error()) {}

  constexpr bool has_value() const noexcept { return !error_.has_value(); }
  constexpr explicit operator bool() const noexcept { return has_value(); }

  constexpr void operator*() const noexcept { assert(has_value()); }
  constexpr void value() const& {
    if (!has_value()) throw BadExpectedAccess<E>(error());
  }
  constexpr void value() && {
    if (!has_value()) throw BadExpectedAccess<E>(std::move(error()));
  }

  constexpr const E& error() const& noexcept {
    assert(!has_value());
    return *error_;
  }
  constexpr E& error() & noexcept {
    assert(!has_value());
    return *error_;
  }
  constexpr E&& error() && noexcept { return std::move(error()); }

  template <class G = E>
  constexpr E error_or(G&& fallback) const& {
    return has_value() ? static_cast<E>(std::forward<G>(fallback)) : error();
  }

  template <class F>
  constexpr auto and_then(F&& f) const {
    using Result = std::remove_cvref_t<std::invoke_result_t<F>>;
    static_assert(detail::is_expected<Result> && std::is_same_v<typename Result::error_type, E>);
    return has_value() ? std::invoke(std::forward<F>(f)) : Result(Unexpected<E>(error()));
  }

  template <class G>
  friend constexpr bool operator==(const Expected& a, const Expected<void, G>& b) {
    if (a.has_value() != b.has_value()) return false;
    return a.has_value() || a.error() == b.error();
  }
  template <class G>
  friend constexpr bool operator==(const Expected& a, const Unexpected<G>& error) {
    return !a.has_value() && a.error() == error.error();
  }

 private:
  std::optional<E> error_;
};

}  // namespace larder
