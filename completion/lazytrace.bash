# bash completion for lazytrace(8). Self-contained: needs no helper from
# the bash-completion package, so sourcing it alone is enough.
_lazytrace()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
	local opts="--pid --cgroup --comm --duration --json --output --stacks
		--verbose --fail-on --mode --rules --list-probes --by-cgroup
		--btf --kallsyms --tracefs --uprobe-target --seed-v2 --metrics --metrics-top
		--rate-limit --dedup --info --syslog --ring-buffer --boundaries
		--bench-floor --help --version --usage"
	local kinds="any alloc_in_lazy flush_in_lazy unbalanced_disable
		enable_while_paused open_at_user_return open_at_exit
		sleep_in_lazy nested_enter state_mismatch outer_lost_lazy"

	# lazytrace report TRACE.jsonl [AFTER.jsonl] -o FILE: files of its own
	if [[ ${COMP_WORDS[1]:-} == report && $COMP_CWORD -ge 2 ]]; then
		if [[ $cur == -* ]]; then
			mapfile -t COMPREPLY < <(compgen -W "--output --help" -- "$cur")
		elif [[ $prev == -o || $prev == --output ]]; then
			mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		else
			mapfile -t COMPREPLY < <(compgen -f -X '!*.jsonl' -- "$cur")
		fi
		return
	fi
	if [[ $COMP_CWORD -eq 1 && $cur != -* ]]; then
		mapfile -t COMPREPLY < <(compgen -W "report" -- "$cur")
		return
	fi

	# --opt=value: bash splits at '=' (COMP_WORDBREAKS) into three words
	if [[ $cur == = ]]; then
		cur=""
	elif [[ $prev == = && $COMP_CWORD -ge 2 ]]; then
		prev=${COMP_WORDS[COMP_CWORD-2]}
	elif [[ $cur == --*=* ]]; then
		prev=${cur%%=*}
		cur=${cur#*=}
	fi
	case $prev in
	--mode)
		mapfile -t COMPREPLY < <(compgen -W "auto fentry kprobe tracepoint" -- "$cur")
		return ;;
	--rules)
		mapfile -t COMPREPLY < <(compgen -W "pre-7.0 7.0" -- "$cur")
		return ;;
	--bench-floor)
		mapfile -t COMPREPLY < <(compgen -W "all alloc" -- "$cur")
		return ;;
	--info)
		mapfile -t COMPREPLY < <(compgen -W "count first all" -- "$cur")
		return ;;
	--boundaries)
		mapfile -t COMPREPLY < <(compgen -W "probes watch" -- "$cur")
		return ;;
	--fail-on)
		# a comma list: complete the last element
		local head=""
		[[ $cur == *,* ]] && head=${cur%,*},
		mapfile -t COMPREPLY < <(compgen -P "$head" -W "$kinds" -- "${cur##*,}")
		return ;;
	-o|--output|--btf|--kallsyms|--uprobe-target)
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		return ;;
	-c|--cgroup)
		mapfile -t COMPREPLY < <(compgen -d -- "${cur:-/sys/fs/cgroup/}")
		return ;;
	--tracefs)
		mapfile -t COMPREPLY < <(compgen -d -- "${cur:-/sys/kernel/}")
		return ;;
	-p|--pid)
		mapfile -t COMPREPLY < <(compgen -W "$(ls /proc | grep '^[0-9]')" -- "$cur")
		return ;;
	--metrics)
		mapfile -t COMPREPLY < <(compgen -W "9464 127.0.0.1:9464 0.0.0.0:9464" -- "$cur")
		return ;;
	--rate-limit)
		mapfile -t COMPREPLY < <(compgen -W "1/s 10/s 100/s" -- "$cur")
		return ;;
	--comm|--stacks|-d|--duration|--ring-buffer|--metrics-top)
		return ;;
	esac
	if [[ $cur == -* ]]; then
		mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
	fi
}
complete -F _lazytrace lazytrace
