// What `tunnel show` and `config show` print of the tunnels.
#include "absl/strings/str_cat.h"
#include "tunnel/control/tunnels.h"

namespace gw::ctl {

namespace {

std::string EncapLimitWord(int limit) {
  return limit < 0 ? "none" : absl::StrCat(limit);
}

}  // namespace

void Tunnels::AppendConfig(std::string* out) const {
  for (const Tunnel* t : Sorted()) {
    const std::string tos =
        t->tos < 0 ? "inherit" : absl::StrCat("0x", absl::Hex(t->tos, absl::kZeroPad2));
    const std::string ttl = t->ttl == 0 ? "inherit" : absl::StrCat(t->ttl);
    if (t->family() == 6) {
      absl::StrAppend(out, "tunnel add ", t->name, " mode ", TunnelModeName(t->mode), " remote ",
                      t->remote.ToString(), " local ", t->local.ToString(), " hoplimit ", ttl,
                      " tclass ", tos, " encaplimit ", EncapLimitWord(t->encap_limit));
      if (t->dev) absl::StrAppend(out, " dev ", ifs_.Name({IfKind::kPort, *t->dev}));
      absl::StrAppend(out, "\n");
    } else {
      absl::StrAppend(out, "tunnel add ", t->name, " mode ", TunnelModeName(t->mode), " remote ",
                      t->remote.ToString(), " local ", t->local.ToString(), " ttl ", ttl,
                      " tos ", tos);
      if (t->dev) absl::StrAppend(out, " dev ", ifs_.Name({IfKind::kPort, *t->dev}));
      absl::StrAppend(out, t->pmtudisc ? " pmtudisc" : " nopmtudisc", "\n");
    }
    if (t->mtu_explicit || t->mtu != DefaultMtu(*t))
      absl::StrAppend(out, "link set ", t->name, " mtu ", t->mtu, "\n");
    if (t->up) absl::StrAppend(out, "link set ", t->name, " up\n");
  }
}

absl::Status Tunnels::Show(absl::string_view name, std::string* text, Json* json) const {
  Json& j = *json;
  j.BeginArray();
  bool found = name.empty();
  for (const Tunnel* t : Sorted()) {
    if (!name.empty() && t->name != name) continue;
    found = true;
    const std::string dev = t->dev ? absl::StrCat("port", *t->dev) : "";
    const std::string tos = t->tos < 0 ? "inherit" : absl::StrCat("0x", absl::Hex(t->tos));
    j.BeginObject().Key("name").String(t->name).Key("mode").String(TunnelModeName(t->mode));
    j.Key("local").String(t->local.ToString()).Key("remote").String(t->remote.ToString());
    j.Key("ttl");
    if (t->ttl == 0) {
      j.String("inherit");
    } else {
      j.Uint(t->ttl);
    }
    j.Key("tos");
    if (t->tos < 0) {
      j.String("inherit");
    } else {
      j.Uint(static_cast<uint64_t>(t->tos));
    }
    j.Key("pmtudisc").Bool(t->pmtudisc);
    // The underlay's family, and (IPv6) the encapsulation limit: a number, "none"; null over
    // IPv4.
    j.Key("outer").Uint(t->family()).Key("encaplimit");
    if (t->family() != 6) {
      j.Null();
    } else if (t->encap_limit < 0) {
      j.String("none");
    } else {
      j.Uint(static_cast<uint64_t>(t->encap_limit));
    }
    j.Key("dev");
    if (t->dev) {
      j.String(dev);
    } else {
      j.Null();
    }
    j.Key("mtu").Uint(t->mtu).Key("up").Bool(t->up);
    std::string pmtu, pmtu_lines;
    ShowPathMtu(*t, &pmtu, &pmtu_lines, &j);
    j.EndObject();
    if (t->family() == 6) {
      // As `ip -6 tunnel show` prints an ip6tnl device (the flow label is always 0 here).
      absl::StrAppend(text, t->name, ": ", TunnelModeIproute(t->mode), " remote ",
                      t->remote.ToString(), " local ", t->local.ToString(),
                      t->dev ? absl::StrCat(" dev ", dev) : "", " encaplimit ",
                      EncapLimitWord(t->encap_limit), " hoplimit ",
                      t->ttl == 0 ? "inherit" : absl::StrCat(t->ttl), " tclass ",
                      t->tos < 0 ? "inherit" : absl::StrCat("0x", absl::Hex(t->tos, absl::kZeroPad2)),
                      " flowlabel 0x00000", pmtu, "\n", pmtu_lines);
      continue;
    }
    absl::StrAppend(text, t->name, ": ", TunnelModeIproute(t->mode), " remote ",
                    t->remote.ToString(), " local ", t->local.ToString(),
                    t->dev ? absl::StrCat(" dev ", dev) : "", " ttl ",
                    t->ttl == 0 ? "inherit" : absl::StrCat(t->ttl), " tos ", tos,
                    t->pmtudisc ? " pmtudisc" : " nopmtudisc", pmtu, "\n", pmtu_lines);
  }
  j.EndArray();
  if (!found) return absl::NotFoundError(absl::StrCat("unknown tunnel \"", name, "\""));
  return absl::OkStatus();
}

}  // namespace gw::ctl
