{{- define "suppressions.levels" -}}
level: info
level: debug
{{- end }}
