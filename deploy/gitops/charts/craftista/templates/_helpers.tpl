{{/* The four services, in a fixed order. */}}
{{- define "craftista.services" -}}frontend catalogue voting recommendation{{- end -}}

{{- define "craftista.namespace" -}}craftista-{{ .Values.environment }}{{- end -}}

{{/* Labels on every object: (dict "root" $ "name" <service>) */}}
{{- define "craftista.labels" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/part-of: craftista
app.kubernetes.io/environment: {{ .root.Values.environment }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ .root.Chart.Name }}-{{ .root.Chart.Version }}
{{- end -}}

{{/* repository:tag@digest from <service>.image */}}
{{- define "craftista.image" -}}
{{- .repository -}}{{- if .tag -}}:{{ .tag }}{{- end -}}{{- if .digest -}}@{{ .digest }}{{- end -}}
{{- end -}}

{{/* The hardened container security context (uid as argument). */}}
{{- define "craftista.containerSecurityContext" -}}
allowPrivilegeEscalation: false
privileged: false
readOnlyRootFilesystem: true
runAsNonRoot: true
runAsUser: {{ . }}
runAsGroup: {{ . }}
capabilities: { drop: [ALL] }
seccompProfile: { type: RuntimeDefault }
{{- end -}}

{{- define "craftista.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ . }}
runAsGroup: {{ . }}
fsGroup: {{ . }}
seccompProfile: { type: RuntimeDefault }
{{- end -}}
