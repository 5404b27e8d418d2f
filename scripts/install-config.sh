#!/bin/sh
# meson install's last step (conf/meson.build): the service's defaults file and the example
# configuration, from DATADIR (share/gatewayd) into SYSCONFDIR, each only where none is there, so
# that an upgrade (meson install again) keeps the operator's. Honours $DESTDIR.
#   install-config.sh DATADIR SYSCONFDIR        (absolute paths, without DESTDIR)
set -eu
src="${DESTDIR:-}$1"
etc="${DESTDIR:-}$2"
copy() {
  if [ -e "$2" ]; then
    echo "install-config: keeping $2 (the new default is $1)"
  else
    install -D -m "$3" "$1" "$2"
    echo "install-config: installed $2"
  fi
}
copy "$src/gatewayd.default" "$etc/default/gatewayd" 0644
copy "$src/gatewayd.conf" "$etc/gatewayd/gatewayd.conf" 0644
