#include "control/log.h"

#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace gw::ctl {

int LogType() {
  static const int type = [] {
    const int t = rte_log_register_type_and_pick_level("gatewayd", RTE_LOG_INFO);
    return t < 0 ? static_cast<int>(RTE_LOGTYPE_USER1) : t;
  }();
  return type;
}

bool LogEnabled(uint32_t level) { return rte_log_can_log(static_cast<uint32_t>(LogType()), level); }

std::string LogValue(absl::string_view v) {
  bool plain = !v.empty();
  for (char c : v) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    std::strchr("_.:/@+-", c) != nullptr;
    if (!ok || c == '\0') {
      plain = false;
      break;
    }
  }
  if (plain) return std::string(v);
  std::string out = "\"";
  for (char c : v) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        out += c;
    }
  }
  out += '"';
  return out;
}

void LogEvent(uint32_t level, absl::string_view event, std::initializer_list<LogField> fields) {
  if (!LogEnabled(level)) return;
  std::string line = absl::StrCat("GATEWAYD: event=", event);
  for (const LogField& f : fields) absl::StrAppend(&line, " ", f.key, "=", LogValue(f.value));
  rte_log(level, static_cast<uint32_t>(LogType()), "%s\n", line.c_str());
}

namespace {

// fopencookie's write: whole messages (rte_log flushes after each), one "<level>" per line.
ssize_t JournalWrite(void*, const char* buf, size_t size) {
  const int level = rte_log_cur_msg_loglevel();  // DPDK's 1..8 are syslog's 0..7 plus one
  const int syslog_level = level >= 1 && level <= 8 ? level - 1 : 6;
  std::string out;
  out.reserve(size + 8);
  size_t start = 0;
  while (start < size) {
    const char* nl = static_cast<const char*>(std::memchr(buf + start, '\n', size - start));
    const size_t end = nl == nullptr ? size : static_cast<size_t>(nl - buf) + 1;
    absl::StrAppend(&out, "<", syslog_level, ">", absl::string_view(buf + start, end - start));
    start = end;
  }
  size_t done = 0;
  while (done < out.size()) {
    const ssize_t n = write(STDERR_FILENO, out.data() + done, out.size() - done);
    if (n <= 0) break;  // nothing better to do with a log line that cannot be written
    done += static_cast<size_t>(n);
  }
  return static_cast<ssize_t>(size);
}

}  // namespace

void LogToJournalIfThere() {
  const char* js = std::getenv("JOURNAL_STREAM");
  if (js == nullptr || *js == '\0') return;
  cookie_io_functions_t io{};
  io.write = JournalWrite;
  FILE* f = fopencookie(nullptr, "w", io);
  if (f == nullptr) return;
  setvbuf(f, nullptr, _IOLBF, 0);
  rte_openlog_stream(f);
}

void LogNeighLearned(uint16_t port, const IpAddr& addr, uint64_t mac, bool changed) {
  const uint32_t level = changed ? RTE_LOG_INFO : RTE_LOG_DEBUG;  // a refresh is routine
  if (!LogEnabled(level)) return;
  std::array<uint8_t, 6> m;
  std::memcpy(m.data(), &mac, 6);
  LogEvent(
      level, changed ? "neigh_learned" : "neigh_refreshed",
      {{"dev", absl::StrCat("port", port)}, {"addr", addr.ToString()}, {"lladdr", MacToString(m)}});
}

void LogNeighFailed(uint16_t port, const IpAddr& addr, uint32_t probes, bool was_reachable) {
  LogEvent(RTE_LOG_INFO, "neigh_failed",
           {{"dev", absl::StrCat("port", port)},
            {"addr", addr.ToString()},
            {"probes", absl::StrCat(probes)},
            {"state", was_reachable ? "PROBE" : "INCOMPLETE"}});
}

}  // namespace gw::ctl
