DROP TABLE routing_passes;
