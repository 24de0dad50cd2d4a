#include "util/key_builder.hpp"

#include "util/hash.hpp"

namespace larder {

KeyBuilder& KeyBuilder::add(std::string group, std::string name, std::string value) {
  components_.push_back({std::move(group), std::move(name), std::move(value)});
  return *this;
}

std::string KeyBuilder::digest() const {
  Hasher hasher;
  hasher.field("salt", kKeySalt);
  for (const auto& c : components_) {
    hasher.field("g", c.group);
    hasher.field("n", c.name);
    hasher.field("v", c.value);
  }
  return hasher.hex_digest();
}

}  // namespace larder
