# nnlab.bash: bash completion for nnlab, installed as share/bash-completion/completions/nnlab.
# Subcommands, options and names come from the nnlab being completed (its --help, `nnlab datasets`,
# `nnlab act --list`), so they follow the program; only which option takes which kind of value is written here.

# The subcommands, from the top-level help.
_nnlab_commands() { "$1" --help 2>/dev/null | awk '/^commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 } on && /^$/ { exit }'; }
# The options a subcommand's help names.
_nnlab_options() { "$1" "$2" --help 2>/dev/null | grep -oE -- '(^|[][ ,(|/])--?[a-z][a-z0-9-]*' | sed 's/^[^-]*//' | sort -u; }
# The bundled data sets (first column of the list, below its heading).
_nnlab_datasets() { "$1" datasets list 2>/dev/null | awk 'NR > 1 { print $1 }'; }
# The toy-data generators of `datasets gen`.
_nnlab_generators() { "$1" datasets --help 2>/dev/null | sed -n "s/^ *NAME: //p" | tr -d ,; }
# The activation functions (the unindented lines of the records).
_nnlab_acts() { "$1" act --list 2>/dev/null | awk '/^[a-z]/ { print $1 }'; }

# Completes a comma-separated list: the words for the item after the last comma.
_nnlab_list() {
    local head= item=$cur
    [[ $cur == *,* ]] && head=${cur%,*}, item=${cur##*,}
    local w
    for w in $(compgen -W "$1" -- "$item"); do COMPREPLY+=("$head$w"); done
    [[ ${#COMPREPLY[@]} -gt 0 ]] && compopt -o nospace 2>/dev/null
}

_nnlab()
{
    COMPREPLY=()
    # bash splits words at ':' and '=' (COMP_WORDBREAKS): glue them back, so that "dense:64,re" is one word.
    local words=() i w
    for ((i = 0; i <= COMP_CWORD; i++)); do
        w=${COMP_WORDS[i]}
        if ((${#words[@]} > 0)) && [[ $w == [:=]* || ${words[-1]} == *[:=] ]] && ((i > 0)); then
            words[-1]+=$w
        else
            words+=("$w")
        fi
    done
    local cur=${words[-1]} prev= nn=${COMP_WORDS[0]}
    ((${#words[@]} > 1)) && prev=${words[-2]}
    # The part of cur bash does not replace (before the last ':' or '=' it split at).
    local keep=${cur%"${COMP_WORDS[COMP_CWORD]}"}
    command -v "$nn" >/dev/null 2>&1 || nn=nnlab

    # The subcommand, and pos: the number of the current word after it (1: the first).
    local cmd= n=${#words[@]} pos=0
    for ((i = 1; i < n - 1; i++)); do
        [[ ${words[i]} == -* ]] || { cmd=${words[i]}; pos=$((n - 1 - i)); break; }
    done
    if [[ -z $cmd ]]; then
        COMPREPLY=($(compgen -W "$(_nnlab_commands "$nn") help --help --version --verbose" -- "$cur"))
        return
    fi

    case $prev in
    --data)
        compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -W "$(_nnlab_datasets "$nn") -" -- "$cur") $(compgen -f -- "$cur")) ;;
    --model | --resume | --save | --history | --weights | -o | --output | --plot)
        compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- "$cur")) ;;
    --out) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -d -- "$cur")) ;;
    --acts) _nnlab_list "$(_nnlab_acts "$nn")" ;;
    --arch | --arch-template)
        _nnlab_list "$(_nnlab_acts "$nn") dense: maxout: dropout:p= alpha_dropout:p= batchnorm softmax log_softmax" ;;
    --loss) COMPREPLY=($(compgen -W "softmax-xent sigmoid-bce mse" -- "$cur")) ;;
    --opt) COMPREPLY=($(compgen -W "sgd adam adamw rmsprop adagrad" -- "$cur")) ;;
    --schedule) COMPREPLY=($(compgen -W "constant step exp cosine" -- "$cur")) ;;
    --format) COMPREPLY=($(compgen -W "text markdown" -- "$cur")) ;;
    --delimiter) COMPREPLY=($(compgen -W "comma semicolon tab space" -- "$cur")) ;;
    --lesson) COMPREPLY=($(compgen -W "deep" -- "$cur")) ;;
    --label-col | --drop-cols | --epochs | --batch | --seed | --val | --patience | --l1 | --l2 | --clip-norm | \
        --clip-value | --threads | --sample | --label | --lr | --digits | --inputs | --eps | --tol | --seeds | \
        --lr-grid | --tune-seeds | --target-acc | --variants | --n | --noise | --classes)
        ;; # a number or free text
    *)
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W "$(_nnlab_options "$nn" "$cmd")" -- "$cur"))
        else
            case $cmd in
            help) ((pos == 1)) && COMPREPLY=($(compgen -W "$(_nnlab_commands "$nn")" -- "$cur")) ;;
            act) ((pos == 1)) && COMPREPLY=($(compgen -W "$(_nnlab_acts "$nn")" -- "$cur")) ;;
            datasets)
                if ((pos == 1)); then
                    COMPREPLY=($(compgen -W "list gen convert" -- "$cur"))
                elif ((pos == 2)) && [[ ${words[n - 2]} == gen ]]; then
                    COMPREPLY=($(compgen -W "$(_nnlab_generators "$nn")" -- "$cur"))
                elif ((pos == 2)) && [[ ${words[n - 2]} == convert ]]; then
                    compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -W "$(_nnlab_datasets "$nn")" -- "$cur") $(compgen -f -- "$cur"))
                fi ;;
            predict) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- "$cur")) ;;
            esac
        fi ;;
    esac
    # Strip what bash keeps of the word; the rest replaces its last piece.
    [[ -n $keep ]] && COMPREPLY=("${COMPREPLY[@]#"$keep"}")
    return 0
}
complete -F _nnlab nnlab
