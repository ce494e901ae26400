#!/usr/bin/env bash
# run.sh BUILD: installs the build into a temporary prefix, moves the prefix, and checks the installed tool there:
# the bundled data found beside the binary, the man page (against --help; when man is installed), the bash
# completion (it needs no bash-completion package), the zsh completion (when zsh is installed), the docs.
set -euo pipefail
build=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "install: FAIL: $*" >&2; exit 1; }

cmake --install "$build" --prefix "$work/prefix" >/dev/null
for f in bin/nnlab share/man/man1/nnlab.1 share/bash-completion/completions/nnlab share/zsh/site-functions/_nnlab \
         share/doc/nnlab/README.md share/doc/nnlab/docs/cli.md share/nnlab/data/iris.csv; do
  [ -f "$work/prefix/$f" ] || fail "cmake --install did not install $f"
done
# A data set only the installed data directory has: finding it proves which directory the binary reads.
cp "$work/prefix/share/nnlab/data/iris.csv" "$work/prefix/share/nnlab/data/only_installed.csv"
mv "$work/prefix" "$work/moved"
nn=$work/moved/bin/nnlab
unset NNLAB_DATA
cd "$work"
"$nn" datasets list | grep -q '^only_installed ' || fail "the moved nnlab does not list its own data directory"
out=$("$nn" train --data only_installed --arch dense:4,relu,dense:3 --epochs 1 --quiet 2>/dev/null) ||
  fail "train --data only_installed from the moved prefix"
case $out in epochs=1\ train_loss=*) ;; *) fail "train printed '$out'" ;; esac
echo "install: the moved prefix finds its data ($out)"

# The man page: every line of every subcommand's --help is in the rendered page.
if command -v man >/dev/null && command -v groff >/dev/null && command -v col >/dev/null; then
  page=$(MANPATH=$work/moved/share/man man -w nnlab) || fail "man -w nnlab finds no page under the prefix"
  [ "$page" = "$work/moved/share/man/man1/nnlab.1" ] || fail "man -w nnlab gives $page"
  rendered=$(MANPATH=$work/moved/share/man MANWIDTH=250 man nnlab 2>/dev/null | col -bx)
  for c in $("$nn" --help | awk '/^commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 } on && /^$/ { exit }'); do
    missing=$("$nn" "$c" --help | page=$rendered awk '{ sub(/^ +/, ""); if ($0 != "" && !index(ENVIRON["page"], $0)) { print; exit } }')
    [ -z "$missing" ] || fail "man nnlab lacks '$missing' of 'nnlab $c --help'"
  done
  echo "install: man nnlab has every subcommand's --help"
else
  echo "install: man, groff or col not installed: the man page is not rendered"
fi

# The bash completion, driven as bash drives it (COMP_WORDS split at ':' as COMP_WORDBREAKS does).
complete_in_bash() {
  bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _nnlab; printf "%s\n" "${COMPREPLY[@]}"' \
    - "$work/moved/share/bash-completion/completions/nnlab" "$nn" "$@"
}
expect() {
  local want=$1 got; shift
  got=$(complete_in_bash "$@")
  grep -qx -- "$want" <<<"$got" || fail "bash completion of '$*' lacks '$want' (got: $(tr '\n' ' ' <<<"$got"))"
}
expect train tr
expect trace tr
expect --data train --da
expect --epochs train --data iris --ep
expect iris train --data ir
expect only_installed eval --data only
expect 64,relu train --arch dense : 64,re
expect selu act se
expect moons datasets gen mo
expect sigmoid-bce train --loss sig
expect moved train --save mo
echo "install: bash completion completes subcommands, options, data sets, activations"
if command -v zsh >/dev/null; then
  # Outside an interactive shell zsh has no completion system: compadd, compset and _files are stand-ins that
  # print what would be offered (for the prefix), so the function's logic runs as in a completion.
  complete_in_zsh() {
    zsh -f -c '
      compadd() {
        while [[ $1 == -* ]]; do [[ $1 == -- ]] && { shift; break }; [[ $1 == -S ]] && shift; shift; done
        local w; for w; do [[ $w == ${PREFIX}* ]] && print -r -- $w; done; return 0
      }
      _files() { print -r -- "<files>" }
      compset() { [[ $1 == -P ]] && PREFIX=${PREFIX##*,}; return 0 }
      fn=$1; shift; words=("$@"); CURRENT=$#; PREFIX=${words[CURRENT]}
      source $fn' - "$work/moved/share/zsh/site-functions/_nnlab" "$nn" "$@"
  }
  expect_zsh() {
    local want=$1 got; shift
    got=$(complete_in_zsh "$@")
    grep -qx -- "$want" <<<"$got" || fail "zsh completion of '$*' lacks '$want' (got: $(tr '\n' ' ' <<<"$got"))"
  }
  expect_zsh trace tr
  expect_zsh --epochs train --ep
  expect_zsh only_installed train --data on
  expect_zsh '<files>' train --save x
  expect_zsh relu6 train --arch dense:64,re
  expect_zsh moons datasets gen mo
  [ "$(complete_in_zsh act sel)" = selu ] || fail "zsh completion of 'act sel' is not only selu"
  echo "install: zsh completion completes subcommands, options, data sets, activations"
else
  echo "install: zsh not installed: its completion is not checked"
fi
