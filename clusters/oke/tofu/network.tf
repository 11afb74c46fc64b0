# VCN /16 with three subnets: the Kubernetes API endpoint (public, locked to admin_cidr), the load
# balancer (public) and the workers (private, out through NAT, to Oracle services through the
# service gateway so image pulls from OCIR and object storage never cross the internet).
locals {
  vcn_cidr     = "10.0.0.0/16"
  api_cidr     = "10.0.0.0/28"
  lb_cidr      = "10.0.1.0/24"
  workers_cidr = "10.0.10.0/24"
  all_services = data.oci_core_services.all.services[0]
}

data "oci_core_services" "all" {
  filter {
    name   = "name"
    values = ["All .* Services In Oracle Services Network"]
    regex  = true
  }
}

resource "oci_core_vcn" "tasktide" {
  compartment_id = var.compartment_ocid
  cidr_blocks    = [local.vcn_cidr]
  display_name   = "tasktide"
  dns_label      = "tasktide"
}

resource "oci_core_internet_gateway" "public" {
  compartment_id = var.compartment_ocid
  vcn_id         = oci_core_vcn.tasktide.id
  display_name   = "tasktide-igw"
}

resource "oci_core_nat_gateway" "workers" {
  compartment_id = var.compartment_ocid
  vcn_id         = oci_core_vcn.tasktide.id
  display_name   = "tasktide-nat"
}

resource "oci_core_service_gateway" "workers" {
  compartment_id = var.compartment_ocid
  vcn_id         = oci_core_vcn.tasktide.id
  display_name   = "tasktide-sgw"
  services {
    service_id = local.all_services.id
  }
}

resource "oci_core_route_table" "public" {
  compartment_id = var.compartment_ocid
  vcn_id         = oci_core_vcn.tasktide.id
  display_name   = "tasktide-public"
  route_rules {
    destination       = "0.0.0.0/0"
    network_entity_id = oci_core_internet_gateway.public.id
  }
}

resource "oci_core_route_table" "private" {
  compartment_id = var.compartment_ocid
  vcn_id         = oci_core_vcn.tasktide.id
  display_name   = "tasktide-private"
  route_rules {
    destination       = "0.0.0.0/0"
    network_entity_id = oci_core_nat_gateway.workers.id
  }
  route_rules {
    destination       = local.all_services.cidr_block
    destination_type  = "SERVICE_CIDR_BLOCK"
    network_entity_id = oci_core_service_gateway.workers.id
  }
}

resource "oci_core_subnet" "api" {
  compartment_id    = var.compartment_ocid
  vcn_id            = oci_core_vcn.tasktide.id
  cidr_block        = local.api_cidr
  display_name      = "tasktide-api-endpoint"
  dns_label         = "api"
  route_table_id    = oci_core_route_table.public.id
  security_list_ids = [oci_core_security_list.api.id]
}

resource "oci_core_subnet" "lb" {
  compartment_id    = var.compartment_ocid
  vcn_id            = oci_core_vcn.tasktide.id
  cidr_block        = local.lb_cidr
  display_name      = "tasktide-lb"
  dns_label         = "lb"
  route_table_id    = oci_core_route_table.public.id
  security_list_ids = [oci_core_security_list.lb.id]
}

resource "oci_core_subnet" "workers" {
  compartment_id             = var.compartment_ocid
  vcn_id                     = oci_core_vcn.tasktide.id
  cidr_block                 = local.workers_cidr
  display_name               = "tasktide-workers"
  dns_label                  = "workers"
  prohibit_public_ip_on_vnic = true
  route_table_id             = oci_core_route_table.private.id
  security_list_ids          = [oci_core_security_list.workers.id]
}
