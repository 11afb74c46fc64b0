# A DEFAULT (shared) vault and a software key: both free. Secret values are never in OpenTofu state:
# they are created with the OCI CLI from locally generated values (clusters/oke/README.md, step 3).
resource "oci_kms_vault" "tasktide" {
  compartment_id = var.compartment_ocid
  display_name   = "tasktide"
  vault_type     = "DEFAULT"
}

resource "oci_kms_key" "secrets" {
  compartment_id      = var.compartment_ocid
  display_name        = "tasktide-secrets"
  management_endpoint = oci_kms_vault.tasktide.management_endpoint
  protection_mode     = "SOFTWARE"
  key_shape {
    algorithm = "AES"
    length    = 32
  }
}
