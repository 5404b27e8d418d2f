# bash completion for gwctl(8): options, objects, verbs and keywords, and the running gateway's
# tunnel and port names, asked of it with the gwctl being completed (over the --socket given on the
# line, else $GATEWAYD_SOCKET, else /run/gatewayd.sock). Needs nothing but bash; installed by
# `meson install` as share/bash-completion/completions/gwctl.

# Names from the running gateway: _gwctl_names tunnels|ports|ifaces
_gwctl_names() {
    local -a ask=("${_gwctl_cmd}")
    [[ -n ${_gwctl_socket} ]] && ask+=("--socket=${_gwctl_socket}")
    ask+=(--timeout_ms=2000)
    case $1 in
        tunnels) "${ask[@]}" tunnel show 2>/dev/null | sed -n 's/^\([^: ]*\): .*/\1/p' ;;
        ports) "${ask[@]}" link show 2>/dev/null | sed -n 's/^[0-9]*: \([^:]*\): .*link\/ether.*/\1/p' ;;
        ifaces) "${ask[@]}" link show 2>/dev/null | sed -n 's/^[0-9]*: \([^:]*\): .*/\1/p' ;;
    esac
}

_gwctl_reply() {  # words... : those that start with the current word
    local IFS=$'\n'
    COMPREPLY=($(compgen -W "$*" -- "${_gwctl_cur}"))
}

_gwctl() {
    local cur=${COMP_WORDS[COMP_CWORD]}
    local prev=${COMP_WORDS[COMP_CWORD-1]}
    _gwctl_cur=$cur
    _gwctl_cmd=${COMP_WORDS[0]}
    _gwctl_socket=
    COMPREPLY=()

    # Options come first; the command's words follow.
    local i=1
    local -a words=()
    while (( i < COMP_CWORD )); do
        local w=${COMP_WORDS[i]}
        case $w in
            --socket=*) _gwctl_socket=${w#--socket=} ;;
            --socket) _gwctl_socket=${COMP_WORDS[i+1]}; ((i++)) ;;
            --batch|--timeout_ms) ((i++)) ;;
            -*) ;;
            *) break ;;
        esac
        ((i++))
    done
    while (( i < COMP_CWORD )); do
        words+=("${COMP_WORDS[i]}")
        ((i++))
    done
    local n=${#words[@]}

    if (( n == 0 )); then
        case $prev in
            --socket|--batch) COMPREPLY=($(compgen -f -- "$cur")); return ;;
            --timeout_ms) return ;;
        esac
        case $cur in
            --socket=*|--batch=*)
                COMPREPLY=($(compgen -f -P "${cur%%=*}=" -- "${cur#*=}"))
                return ;;
            -*) _gwctl_reply --socket= -j --batch= --timeout_ms= --help; return ;;
        esac
        _gwctl_reply link addr tunnel route neigh stats config help
        return
    fi

    local obj=${words[0]} verb=${words[1]:-}
    case $obj in
        l|li|lin|link)
            if (( n == 1 )); then _gwctl_reply show set
            elif [[ $verb == set && ( $n == 2 || $prev == dev ) ]]; then _gwctl_reply $(_gwctl_names ifaces)
            elif [[ $verb == set && $prev != mtu ]]; then _gwctl_reply up down mtu
            fi ;;
        a|ad|add|addr|addre|addres|address)
            if (( n == 1 )); then _gwctl_reply show add del
            elif [[ $prev == dev ]]; then _gwctl_reply $(_gwctl_names ifaces)
            elif (( n >= 3 )) && [[ $prev != peer ]]; then _gwctl_reply peer dev
            fi ;;
        t|tu|tun|tunn|tunne|tunnel|tunl)
            if (( n == 1 )); then _gwctl_reply show add change del
            elif (( n == 2 )) && [[ $verb != add ]]; then _gwctl_reply $(_gwctl_names tunnels)
            elif [[ $verb == add || $verb == change ]] && (( n >= 3 )); then
                case $prev in
                    mode) _gwctl_reply ipip sit any ip6ip6 ipip6 ;;
                    remote) _gwctl_reply any ;;
                    ttl|tos|hoplimit|tclass) _gwctl_reply inherit ;;
                    encaplimit) _gwctl_reply none ;;
                    dev) _gwctl_reply $(_gwctl_names ports) ;;
                    local) ;;
                    *) _gwctl_reply mode remote local ttl tos hoplimit tclass encaplimit dev pmtudisc nopmtudisc ;;
                esac
            fi ;;
        r|ro|rou|rout|route)
            if (( n == 1 )); then _gwctl_reply show add replace del
            elif [[ $prev == dev ]]; then _gwctl_reply $(_gwctl_names ifaces)
            elif [[ $prev == via ]]; then _gwctl_reply inet inet6
            elif (( n >= 3 )); then _gwctl_reply via dev onlink
            fi ;;
        n|ne|nei|neig|neigh|neighbour|neighbor)
            if (( n == 1 )); then _gwctl_reply show add replace del
            elif [[ $prev == dev ]]; then _gwctl_reply $(_gwctl_names ports)
            elif [[ $prev == nud ]]; then _gwctl_reply permanent
            elif (( n >= 3 )) && [[ $prev != lladdr ]]; then _gwctl_reply lladdr dev nud
            fi ;;
        stats)
            (( n == 1 )) && _gwctl_reply --prometheus ;;
        config)
            if (( n == 1 )); then _gwctl_reply show save reload
            elif [[ $verb == save || $verb == reload ]] && (( n == 2 )); then COMPREPLY=($(compgen -f -- "$cur"))
            fi ;;
        help)
            (( n == 1 )) && _gwctl_reply link addr tunnel route neigh stats config help ;;
    esac
}

complete -F _gwctl gwctl
