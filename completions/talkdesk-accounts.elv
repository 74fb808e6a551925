
use builtin;
use str;

set edit:completion:arg-completer[talkdesk-accounts] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'talkdesk-accounts'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'talkdesk-accounts'= {
            cand -c 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]'
            cand --config 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]'
            cand -p 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]'
            cand --profile 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]'
            cand --color 'When to colour the output (NO_COLOR and TERM=dumb turn `auto` off)'
            cand -v 'Log each request to stderr; twice adds headers (secrets redacted)'
            cand --verbose 'Log each request to stderr; twice adds headers (secrets redacted)'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'List the organization''s accounts, walking every page'
            cand summary 'Count accounts per status (same filters as list)'
            cand diff 'Compare a saved JSON/JSONL export with the live list: added, removed, changed'
            cand config 'Inspect or create the config file'
            cand auth 'Check the credentials against the API'
            cand completions 'Print a shell completion script'
            cand manpage 'Print the man page (roff) on stdout'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'talkdesk-accounts;list'= {
            cand -s 'Keep only these statuses (repeatable, comma-separated, case-insensitive)'
            cand --status 'Keep only these statuses (repeatable, comma-separated, case-insensitive)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --columns 'Comma-separated fields to show, in order (any field the API returns)'
            cand --limit 'Stop after N matching accounts, fetching no page beyond them'
            cand --page 'Fetch only page N, no walking'
            cand --sort 'Sort by a field (stable; text case-insensitively) [default: API order]'
            cand --output-file 'Write to this file (atomically) instead of stdout'
            cand --concurrency 'Pages fetched at once once the page count is known (1 = sequential) [default: 4]'
            cand --per-page 'Page size to ask for (1-100) [default: 50]'
            cand --timeout 'Per-request timeout in seconds [default: 30]'
            cand --max-retries 'Retries per request on network errors, 429 and 5xx [default: 4]'
            cand --max-rate 'At most N requests per second (e.g. 2 or 0.5) [default: learn the API''s limit]'
            cand -c 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]'
            cand --config 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]'
            cand -p 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]'
            cand --profile 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]'
            cand --color 'When to colour the output (NO_COLOR and TERM=dumb turn `auto` off)'
            cand --no-header 'Table and csv: leave out the header row'
            cand --no-formula-guard 'csv: do not neutralise cells that a spreadsheet would run as formulas'
            cand --bom 'csv: start with a UTF-8 byte-order mark (for Excel)'
            cand --no-cache 'Neither read nor write the token cache'
            cand -v 'Log each request to stderr; twice adds headers (secrets redacted)'
            cand --verbose 'Log each request to stderr; twice adds headers (secrets redacted)'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'talkdesk-accounts;summary'= {
            cand -s 'Count only these statuses (repeatable, comma-separated, case-insensitive)'
            cand --status 'Count only these statuses (repeatable, comma-separated, case-insensitive)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --concurrency 'Pages fetched at once once the page count is known (1 = sequential) [default: 4]'
            cand --per-page 'Page size to ask for (1-100) [default: 50]'
            cand --timeout 'Per-request timeout in seconds [default: 30]'
            cand --max-retries 'Retries per request on network errors, 429 and 5xx [default: 4]'
            cand --max-rate 'At most N requests per second (e.g. 2 or 0.5) [default: learn the API''s limit]'
            cand -c 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]'
            cand --config 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]'
            cand -p 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]'
            cand --profile 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]'
            cand --color 'When to colour the output (NO_COLOR and TERM=dumb turn `auto` off)'
            cand --no-cache 'Neither read nor write the token cache'
            cand -v 'Log each request to stderr; twice adds headers (secrets redacted)'
            cand --verbose 'Log each request to stderr; twice adds headers (secrets redacted)'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'talkdesk-accounts;diff'= {
            cand -s 'Compare only these statuses (repeatable, comma-separated, case-insensitive)'
            cand --status 'Compare only these statuses (repeatable, comma-separated, case-insensitive)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --concurrency 'Pages fetched at once once the page count is known (1 = sequential) [default: 4]'
            cand --per-page 'Page size to ask for (1-100) [default: 50]'
            cand --timeout 'Per-request timeout in seconds [default: 30]'
            cand --max-retries 'Retries per request on network errors, 429 and 5xx [default: 4]'
            cand --max-rate 'At most N requests per second (e.g. 2 or 0.5) [default: learn the API''s limit]'
            cand -c 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]'
            cand --config 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]'
            cand -p 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]'
            cand --profile 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]'
            cand --color 'When to colour the output (NO_COLOR and TERM=dumb turn `auto` off)'
            cand --exit-code 'Exit 1 when there are differences (like git diff)'
            cand --no-cache 'Neither read nor write the token cache'
            cand -v 'Log each request to stderr; twice adds headers (secrets redacted)'
            cand --verbose 'Log each request to stderr; twice adds headers (secrets redacted)'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'talkdesk-accounts;config'= {
            cand -c 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]'
            cand --config 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]'
            cand -p 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]'
            cand --profile 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]'
            cand --color 'When to colour the output (NO_COLOR and TERM=dumb turn `auto` off)'
            cand -v 'Log each request to stderr; twice adds headers (secrets redacted)'
            cand --verbose 'Log each request to stderr; twice adds headers (secrets redacted)'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand path 'Print the config file path in use (and whether it exists)'
            cand show 'Print the resolved settings with secrets redacted, and where each came from'
            cand init 'Write a commented config file (mode 0600)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'talkdesk-accounts;config;path'= {
            cand -c 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]'
            cand --config 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]'
            cand -p 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]'
            cand --profile 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]'
            cand --color 'When to colour the output (NO_COLOR and TERM=dumb turn `auto` off)'
            cand -v 'Log each request to stderr; twice adds headers (secrets redacted)'
            cand --verbose 'Log each request to stderr; twice adds headers (secrets redacted)'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'talkdesk-accounts;config;show'= {
            cand -c 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]'
            cand --config 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]'
            cand -p 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]'
            cand --profile 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]'
            cand --color 'When to colour the output (NO_COLOR and TERM=dumb turn `auto` off)'
            cand -v 'Log each request to stderr; twice adds headers (secrets redacted)'
            cand --verbose 'Log each request to stderr; twice adds headers (secrets redacted)'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'talkdesk-accounts;config;init'= {
            cand -c 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]'
            cand --config 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]'
            cand -p 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]'
            cand --profile 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]'
            cand --color 'When to colour the output (NO_COLOR and TERM=dumb turn `auto` off)'
            cand --force 'Overwrite an existing file'
            cand -v 'Log each request to stderr; twice adds headers (secrets redacted)'
            cand --verbose 'Log each request to stderr; twice adds headers (secrets redacted)'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'talkdesk-accounts;config;help'= {
            cand path 'Print the config file path in use (and whether it exists)'
            cand show 'Print the resolved settings with secrets redacted, and where each came from'
            cand init 'Write a commented config file (mode 0600)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'talkdesk-accounts;config;help;path'= {
        }
        &'talkdesk-accounts;config;help;show'= {
        }
        &'talkdesk-accounts;config;help;init'= {
        }
        &'talkdesk-accounts;config;help;help'= {
        }
        &'talkdesk-accounts;auth'= {
            cand -c 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]'
            cand --config 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]'
            cand -p 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]'
            cand --profile 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]'
            cand --color 'When to colour the output (NO_COLOR and TERM=dumb turn `auto` off)'
            cand -v 'Log each request to stderr; twice adds headers (secrets redacted)'
            cand --verbose 'Log each request to stderr; twice adds headers (secrets redacted)'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand check 'Get a token and call the API once; report OK, the granted scopes and the token expiry'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'talkdesk-accounts;auth;check'= {
            cand --per-page 'Page size to ask for (1-100) [default: 50]'
            cand --timeout 'Per-request timeout in seconds [default: 30]'
            cand --max-retries 'Retries per request on network errors, 429 and 5xx [default: 4]'
            cand --max-rate 'At most N requests per second (e.g. 2 or 0.5) [default: learn the API''s limit]'
            cand -c 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]'
            cand --config 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]'
            cand -p 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]'
            cand --profile 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]'
            cand --color 'When to colour the output (NO_COLOR and TERM=dumb turn `auto` off)'
            cand --no-cache 'Neither read nor write the token cache'
            cand -v 'Log each request to stderr; twice adds headers (secrets redacted)'
            cand --verbose 'Log each request to stderr; twice adds headers (secrets redacted)'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'talkdesk-accounts;auth;help'= {
            cand check 'Get a token and call the API once; report OK, the granted scopes and the token expiry'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'talkdesk-accounts;auth;help;check'= {
        }
        &'talkdesk-accounts;auth;help;help'= {
        }
        &'talkdesk-accounts;completions'= {
            cand -c 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]'
            cand --config 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]'
            cand -p 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]'
            cand --profile 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]'
            cand --color 'When to colour the output (NO_COLOR and TERM=dumb turn `auto` off)'
            cand -v 'Log each request to stderr; twice adds headers (secrets redacted)'
            cand --verbose 'Log each request to stderr; twice adds headers (secrets redacted)'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'talkdesk-accounts;manpage'= {
            cand -c 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]'
            cand --config 'Config file to use [env: TALKDESK_CONFIG] [default: <config dir>/talkdesk-accounts/config.toml]'
            cand -p 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]'
            cand --profile 'Profile (table) of the config file to use [env: TALKDESK_PROFILE] [default: default]'
            cand --color 'When to colour the output (NO_COLOR and TERM=dumb turn `auto` off)'
            cand -v 'Log each request to stderr; twice adds headers (secrets redacted)'
            cand --verbose 'Log each request to stderr; twice adds headers (secrets redacted)'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'talkdesk-accounts;help'= {
            cand list 'List the organization''s accounts, walking every page'
            cand summary 'Count accounts per status (same filters as list)'
            cand diff 'Compare a saved JSON/JSONL export with the live list: added, removed, changed'
            cand config 'Inspect or create the config file'
            cand auth 'Check the credentials against the API'
            cand completions 'Print a shell completion script'
            cand manpage 'Print the man page (roff) on stdout'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'talkdesk-accounts;help;list'= {
        }
        &'talkdesk-accounts;help;summary'= {
        }
        &'talkdesk-accounts;help;diff'= {
        }
        &'talkdesk-accounts;help;config'= {
            cand path 'Print the config file path in use (and whether it exists)'
            cand show 'Print the resolved settings with secrets redacted, and where each came from'
            cand init 'Write a commented config file (mode 0600)'
        }
        &'talkdesk-accounts;help;config;path'= {
        }
        &'talkdesk-accounts;help;config;show'= {
        }
        &'talkdesk-accounts;help;config;init'= {
        }
        &'talkdesk-accounts;help;auth'= {
            cand check 'Get a token and call the API once; report OK, the granted scopes and the token expiry'
        }
        &'talkdesk-accounts;help;auth;check'= {
        }
        &'talkdesk-accounts;help;completions'= {
        }
        &'talkdesk-accounts;help;manpage'= {
        }
        &'talkdesk-accounts;help;help'= {
        }
    ]
    $completions[$command]
}
