variable "tenancy_ocid" {
  description = "Tenancy OCID (dynamic groups live at the tenancy)."
  type        = string
}

variable "compartment_ocid" {
  description = "Compartment for every resource."
  type        = string
}

variable "region" {
  description = "Home region (Always Free A1 capacity is only guaranteed there)."
  type        = string
  default     = "eu-frankfurt-1"
}

variable "admin_cidr" {
  description = "Who may reach the Kubernetes API (your address /32). Never 0.0.0.0/0."
  type        = string
}

variable "kubernetes_version" {
  description = "OKE Kubernetes version; keep in step with clusters/minikube/bootstrap.sh."
  type        = string
  default     = "v1.33.1"
}

# Always Free: Ampere A1 up to 4 OCPU and 24 GB in total, block storage 200 GB including boot
# volumes. One node takes all of it: a second node would cost another 50 GB boot volume, which the
# data volumes need (clusters/oke/README.md, budget table).
variable "node_count" {
  type    = number
  default = 1
  validation {
    condition     = var.node_count * var.node_ocpus <= 4 && var.node_count * var.node_memory_gbs <= 24
    error_message = "The node pool must stay within the Always Free 4 OCPU / 24 GB."
  }
}

variable "node_ocpus" {
  type    = number
  default = 4
}

variable "node_memory_gbs" {
  type    = number
  default = 24
}

variable "boot_volume_gbs" {
  description = "50 GB is OCI's minimum boot volume."
  type        = number
  default     = 50
}
