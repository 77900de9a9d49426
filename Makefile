# Shortcuts for running fraudlens locally and with Docker. `make` lists the targets.
#
#   make up              install and start the API here (Node.js 20+, no Docker): port 8000
#   make docker-up       the development stack in Docker: http://localhost:8080/
#   make test            type check, lint and the whole test suite

.DEFAULT_GOAL := help
SHELL := /bin/bash

IMAGE ?= fraudlens:latest
ALLINONE_IMAGE ?= fraudlens-allinone:latest
API_REPLICAS ?= 3
PROJECT ?= fraudlens
# Compose v2 (`docker compose`) when the plugin is installed, else the standalone docker-compose.
COMPOSE ?= $(shell docker compose version >/dev/null 2>&1 && echo "docker compose" || echo docker-compose)
COMPOSE_DEV = $(COMPOSE) -p $(PROJECT) -f deploy/docker-compose.yml
# npm settings for builds behind a proxy, passed on when set in the environment.
BUILD_ARGS = $(if $(NPM_CONFIG_REGISTRY),--build-arg NPM_CONFIG_REGISTRY=$(NPM_CONFIG_REGISTRY)) \
             $(if $(NPM_CONFIG_CAFILE),--build-arg NPM_CONFIG_CAFILE=$(NPM_CONFIG_CAFILE))

.PHONY: help up test bench docker-build docker-build-allinone docker-up docker-down docker-logs \
        docker-logs-api docker-logs-redis docker-ps verify-image

help: ## List the targets
	@awk 'BEGIN { FS = ":.*## " } /^[a-z][a-z0-9-]*:.*## / { printf "  %-22s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)

up: ## Install and start the API locally, without Docker (http://localhost:8000/)
	npm ci
	npm start

test: ## Type check, lint and run the whole test suite
	npm test

bench: ## Run the benchmarks against the Python/XGBoost peers
	npm run bench

docker-build: ## Build the API image (fraudlens:latest) from deploy/Dockerfile
	docker build -f deploy/Dockerfile -t $(IMAGE) $(BUILD_ARGS) .

docker-build-allinone: docker-build ## Build the all-in-one image (API + Redis + dashboard)
	docker build -f deploy/Dockerfile.allinone -t $(ALLINONE_IMAGE) --build-arg FRAUDLENS_IMAGE=$(IMAGE) .

docker-up: ## Start the development stack: 3 API replicas (API_REPLICAS=N), Redis, nginx, Prometheus
	$(COMPOSE_DEV) up -d --build --scale api=$(API_REPLICAS)
	@echo "dashboard: http://localhost:$${HTTP_PORT:-8080}/   Prometheus: http://localhost:$${PROMETHEUS_PORT:-9090}/"

docker-down: ## Stop the development stack (volumes are kept)
	$(COMPOSE_DEV) down

docker-logs: ## Follow the logs of every service
	$(COMPOSE_DEV) logs -f --tail=100

docker-logs-api: ## Follow the logs of the API replicas
	$(COMPOSE_DEV) logs -f --tail=100 api

docker-logs-redis: ## Follow the logs of Redis
	$(COMPOSE_DEV) logs -f --tail=100 redis

docker-ps: ## Show the services and their health
	$(COMPOSE_DEV) ps

verify-image: ## Build both images and check them running (Docker, or buildah without an engine)
	bash deploy/verify-image.sh
