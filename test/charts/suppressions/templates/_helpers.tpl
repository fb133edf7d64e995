{{- define "suppressions.levels" -}}
level: info
$patch: merge
{{- end }}
