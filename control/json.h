// A small JSON writer for gwctl's -j output: objects, arrays, strings, numbers, booleans, null.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"

namespace gw::ctl {

class Json {
 public:
  Json& BeginObject() { return Open('{'); }
  Json& EndObject() { return Close('}'); }
  Json& BeginArray() { return Open('['); }
  Json& EndArray() { return Close(']'); }
  Json& Key(absl::string_view k) {
    Comma();
    Quote(k);
    out_ += ':';
    after_key_ = true;
    return *this;
  }
  Json& String(absl::string_view v) {
    Comma();
    Quote(v);
    return *this;
  }
  Json& Uint(uint64_t v) {
    Comma();
    absl::StrAppend(&out_, v);
    return *this;
  }
  Json& Int(int64_t v) {
    Comma();
    absl::StrAppend(&out_, v);
    return *this;
  }
  Json& Double(double v) {
    Comma();
    absl::StrAppend(&out_, absl::StrFormat("%.1f", v));
    return *this;
  }
  Json& Bool(bool v) {
    Comma();
    out_ += v ? "true" : "false";
    return *this;
  }
  Json& Null() {
    Comma();
    out_ += "null";
    return *this;
  }
  std::string Take() { return std::move(out_) + "\n"; }

 private:
  Json& Open(char c) {
    Comma();
    out_ += c;
    first_.push_back(true);
    return *this;
  }
  Json& Close(char c) {
    out_ += c;
    first_.pop_back();
    return *this;
  }
  void Comma() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (first_.empty()) return;
    if (!first_.back()) out_ += ',';
    first_.back() = false;
  }
  void Quote(absl::string_view s) {
    out_ += '"';
    for (char c : s) {
      switch (c) {
        case '"':
          out_ += "\\\"";
          break;
        case '\\':
          out_ += "\\\\";
          break;
        case '\n':
          out_ += "\\n";
          break;
        default:
          if (static_cast<unsigned char>(c) < 0x20)
            absl::StrAppend(&out_, absl::StrFormat("\\u%04x", c));
          else
            out_ += c;
      }
    }
    out_ += '"';
  }

  std::string out_;
  std::vector<bool> first_;
  bool after_key_ = false;
};

}  // namespace gw::ctl
